export * from './template.js';
export * from './exposure-hook.js';
