export * from './recorder.js';
export * from './memory-metric-store.js';
export * from './file-metric-store.js';
