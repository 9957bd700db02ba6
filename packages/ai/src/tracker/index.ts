export * from './tracker.js';
export * from './otel-instruments.js';
export * from './cost-from-prices.js';
