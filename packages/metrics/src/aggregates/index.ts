export * from './moments.js';
export * from './unit-hash.js';
export * from './hyperloglog.js';
export * from './latency-sketch.js';
export * from './hour.js';
export * from './variant-aggregate.js';
export * from './aggregate-serialization.js';
export * from './aggregate-table.js';
