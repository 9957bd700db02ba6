export * from './translate-context.js';
export * from './translate-result.js';
export * from './unleash-provider.js';
export * from './create-unleash-provider.js';
export * from './export/index.js';
