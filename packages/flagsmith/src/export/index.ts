export * from './flagsmith-data.js';
export * from './translate-condition.js';
export * from './export-to-flagsmith.js';
