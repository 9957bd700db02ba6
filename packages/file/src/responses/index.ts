export * from './memory-response-store.js';
export * from './file-response-store.js';
