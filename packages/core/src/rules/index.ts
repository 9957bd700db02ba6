export * from './attribute-path.js';
export * from './regex-safety.js';
export * from './operators.js';
export * from './condition.js';
export * from './condition-dialect.js';
export * from './strict-date.js';
