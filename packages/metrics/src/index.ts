export * from './outcome/outcome.js';
export * from './outcome/outcome-bounds.js';
export * from './aggregates/index.js';
export * from './stats/index.js';
export * from './store/metric-store.js';
export * from './store/memory-metric-store.js';
export * from './store/response-store.js';
