export * from './audit-replay.js';
export * from './file-audit-log.js';
export * from './file-lock.js';
export * from './file-state-store.js';
export * from './live-state-error.js';
export * from './memory-audit-log.js';
export * from './memory-state-store.js';
