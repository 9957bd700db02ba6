import type { ReplayResult, ReplayResultStore } from '@aiflags/ai';
import type { PresenceStore, StateStore } from '@aiflags/core';
import type { MetricStore } from '@aiflags/metrics';
import { createRedisClient, RedisMetricStore, RedisPresenceStore, RedisReplayResults, RedisStateStore } from '@aiflags/redis';

export interface RedisRuntimeOptions {
  /** redis:// or rediss:// URL (ACL user and password in the URL). */
  url: string;
  /** Prefix of every key; defaults to `aiflags:<AIFLAGS_ENV or default>`. */
  prefix?: string;
}

export interface RedisRuntime {
  state: StateStore;
  /** Created on first use, on the shared connection. */
  readonly metrics: MetricStore;
  /** Created on first use, on the shared connection. */
  readonly presence: PresenceStore;
  /** Shadow results, one stream per flag, on the shared connection. */
  readonly shadows: ReplayResultStore;
  close(): Promise<void>;
}

/** Live state, metrics and audit log in Redis (used when REDIS_URL is set); the state store is not started yet. */
export async function createRedisRuntime(options: RedisRuntimeOptions): Promise<RedisRuntime> {
  // One command connection shared by both stores; the state store adds its own pub/sub connection.
  const client = createRedisClient(options.url);
  const shared = { client, ...(options.prefix !== undefined ? { prefix: options.prefix } : {}) };
  const state = new RedisStateStore(shared);
  let metrics: RedisMetricStore | undefined;
  let presence: RedisPresenceStore | undefined;
  const shadows = new RedisReplayResults<ReplayResult>(shared);
  return {
    state,
    shadows,
    get metrics() {
      return (metrics ??= new RedisMetricStore(shared));
    },
    get presence() {
      return (presence ??= new RedisPresenceStore({ ...shared, url: options.url }));
    },
    close: async () => {
      await Promise.all([state.close(), metrics?.close()]);
      if (client.status === 'ready') await client.quit().catch(() => client.disconnect());
      else client.disconnect();
    },
  };
}

/**
 * Only the metric store, on its own connection: what `aiFlags(client)` records to by default when REDIS_URL
 * is set. The provider's runtime already holds the live state; a second state store would subscribe again.
 */
export function createRedisMetrics(options: RedisRuntimeOptions): RedisMetricStore {
  return new RedisMetricStore({ url: options.url, ...(options.prefix !== undefined ? { prefix: options.prefix } : {}) });
}
