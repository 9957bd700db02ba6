export * from './result.js';
export * from './results.js';
export * from './evaluate.js';
export * from './flag-program.js';
