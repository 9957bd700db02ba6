export * from './presence-announcer.js';
export * from './wait-for-applied.js';
