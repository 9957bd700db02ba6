import { dirname, join, resolve } from 'node:path';
import { FileMetricStore } from '@aiflags/ai';
import type { MetricStore, StateStore } from '@aiflags/core';
import { FileStateStore } from '@aiflags/provider';
import { flagsPathOf, type BackendConfig } from './config.js';

/** Where live state and metrics live for one flag file: `.aiflags/` on disk, or Redis when REDIS_URL is set. */
export interface Runtime {
  /** The flag file, absolute. */
  flagsPath: string;
  /** `.aiflags/` beside the flag file (or config.stateDir), absolute. */
  stateDir: string;
  /** Started: `current()` holds the state as loaded. */
  state: StateStore;
  /** Opened on first use: a provider that only reads live state never starts a metric store's flush timer. */
  readonly metrics: MetricStore;
  /** Stops watching, flushes metrics and closes connections. */
  close(): Promise<void>;
}

export type RuntimeConfig = Pick<BackendConfig, 'flags' | 'stateDir' | 'redisUrl' | 'redisPrefix'>;

/** `.aiflags/` beside the flag file (or config.stateDir), absolute. */
export function stateDirOf(config: Pick<RuntimeConfig, 'flags' | 'stateDir'> = {}): string {
  return resolve(config.stateDir ?? join(dirname(resolve(flagsPathOf(config))), '.aiflags'));
}

/** Opens the live-state and metric stores the CLI and the local provider share. */
export async function resolveRuntime(config: RuntimeConfig = {}): Promise<Runtime> {
  const flagsPath = resolve(flagsPathOf(config));
  const stateDir = stateDirOf(config);
  const redisUrl = config.redisUrl ?? process.env.REDIS_URL;
  if (redisUrl) {
    const { createRedisRuntime } = await import('./backends/redis.js');
    const redis = await createRedisRuntime({ url: redisUrl, ...(config.redisPrefix !== undefined ? { prefix: config.redisPrefix } : {}) });
    try {
      await redis.state.start();
    } catch (error) {
      await redis.close();
      throw error;
    }
    return {
      flagsPath,
      stateDir,
      state: redis.state,
      get metrics() {
        return redis.metrics;
      },
      close: () => redis.close(),
    };
  }
  const state = new FileStateStore(stateDir);
  await state.start();
  let metrics: FileMetricStore | undefined;
  return {
    flagsPath,
    stateDir,
    state,
    get metrics() {
      return (metrics ??= new FileMetricStore({ dir: stateDir }));
    },
    close: async () => {
      await Promise.all([state.close(), metrics?.close()]);
    },
  };
}
