export * from './murmur3.js';
export * from './digest.js';
export * from './bucket-functions.js';
export * from './bucketers.js';
export * from './allocation.js';
export * from './unit.js';
