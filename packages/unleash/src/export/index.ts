export * from './unleash-import-format.js';
export * from './constraints.js';
export * from './export-to-unleash.js';
