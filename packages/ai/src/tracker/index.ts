export * from './tracker.js';
export * from './otel-instruments.js';
