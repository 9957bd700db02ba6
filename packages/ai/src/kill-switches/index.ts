export * from './feature-disabled-error.js';
export * from './guard.js';
