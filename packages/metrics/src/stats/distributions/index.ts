export * from './special-functions.js';
export * from './normal.js';
export * from './student-t.js';
export * from './chi-square.js';
export * from './binomial.js';
