export * from './decide.js';
export * from './format.js';
