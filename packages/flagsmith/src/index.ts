export * from './value-catalog.js';
export * from './translate-context.js';
export * from './translate-result.js';
export * from './flagsmith-provider.js';
export * from './create-flagsmith-provider.js';
export * from './export/index.js';
