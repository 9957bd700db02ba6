export * from './types.js';
export * from './changes.js';
export * from './schema.js';
export * from './listeners.js';
