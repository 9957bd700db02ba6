export * from './seeded-random.js';
export { normal, simulateUnits, type Sink, type VariantBehaviour } from './simulate.js';
export * from './redis-test-env.js';
export * from './private-redis.js';
export * from './local-ld-server.js';
export * from './bad-flag-files.js';
export * from './valid-flags.js';
export * from './fleet.js';
export * from './local-flagsmith-server.js';
