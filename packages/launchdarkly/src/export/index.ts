export * from './launchdarkly-data.js';
export * from './translate-condition.js';
export * from './export-to-launchdarkly.js';
