export * from './recorder.js';
export * from './file-metric-store.js';
