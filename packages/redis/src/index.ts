export * from './connection/redis-url.js';
export { createRedisClient, reconnectDelayMs, type RedisConnectionOptions } from './connection/create-client.js';
export * from './keys.js';
export * from './logger.js';
export * from './audit/redis-audit-log.js';
export * from './state/redis-state-store.js';
export * from './metrics/redis-metric-store.js';
export * from './presence/redis-presence-store.js';
export * from './responses/redis-response-store.js';
