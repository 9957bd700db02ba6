export * from './flags/index.js';
export * from './evaluation/index.js';
export * from './bucketing/index.js';
export * from './rules/index.js';
export * from './stats/index.js';
export * from './metrics/index.js';
export * from './live-state.js';
export * from './export.js';
