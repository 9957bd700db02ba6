export * from './layout.js';
export * from './state/index.js';
export * from './presence/file-presence-store.js';
export * from './metrics/file-metric-store.js';
export * from './watch/file-watcher.js';
export * from './replay/file-replay-results.js';
export * from './responses/index.js';
