export * from './file-presence-store.js';
export * from './presence-announcer.js';
export * from './wait-for-applied.js';
