import type { MetricStore, StateStore } from '@aiflags/core';

export interface RedisRuntimeOptions {
  url: string;
  /** Prefix of every key. */
  prefix: string;
}

export interface RedisRuntime {
  state: StateStore;
  metrics: MetricStore;
  close(): Promise<void>;
}

/** Live state, metrics and audit log in Redis (used when REDIS_URL is set). */
export async function createRedisRuntime(_options: RedisRuntimeOptions): Promise<RedisRuntime> {
  throw new Error('the Redis backend is not built yet');
}
