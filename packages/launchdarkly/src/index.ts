export * from './translate-context.js';
export * from './translate-result.js';
export * from './flag-catalog.js';
export * from './launchdarkly-provider.js';
export * from './create-launchdarkly-provider.js';
export * from './export/index.js';
