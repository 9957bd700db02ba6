import type { ReplayResultStore } from '@aiflags/ai';
import type { LiveState, PresenceStore, StateStore } from '@aiflags/core';
import type { MetricStore } from '@aiflags/metrics';
import { FileStateStore } from '@aiflags/file';
import type { BackendConfig } from './config.js';
import { runtimeRegistry } from './runtime-registry.js';
import { resolveRuntimeSpec, type RuntimeEnv, type RuntimeSpec } from './runtime-spec.js';

/** Where live state and metrics live for one flag file: `.aiflags/` on disk, or Redis when REDIS_URL is set. */
export interface Runtime {
  /** The flag file, absolute. */
  flagsPath: string;
  /** `.aiflags/` beside the flag file (or config.stateDir), absolute. */
  stateDir: string;
  /** What the runtime was opened from: backend, store, key prefix, audit log. */
  spec: RuntimeSpec;
  /** Started: `current()` holds the state as loaded. */
  state: StateStore;
  /** Opened on first use: a provider that only reads live state never starts a metric store's flush timer. */
  readonly metrics: MetricStore;
  /** Where instances reading this store announce themselves (`aiflags instances`, `aiflags kill`'s confirmation). */
  readonly presence: PresenceStore;
  /** Shadow results every instance writes: `.aiflags/replay/`, or Redis when REDIS_URL is set. */
  readonly shadows: ReplayResultStore;
  /** Releases this hold; the stores stop watching, flush and close when no one else in the process holds them. */
  close(): Promise<void>;
}

export type RuntimeConfig = Pick<BackendConfig, 'flags' | 'stateDir' | 'redisUrl' | 'redisPrefix'>;

/** `.aiflags/` beside the flag file (or config.stateDir), absolute. */
export function stateDirOf(config: Pick<RuntimeConfig, 'flags' | 'stateDir'> = {}): string {
  return resolveRuntimeSpec(config).stateDir;
}

/** Opens (or shares, within the process) the live-state and metric stores the CLI and the providers use. */
export async function resolveRuntime(config: RuntimeConfig = {}, env?: RuntimeEnv): Promise<Runtime> {
  return openRuntime(resolveRuntimeSpec(config, env));
}

/**
 * Opens the runtime, runs `use` with it and releases it however `use` ends: the one place a command
 * holds the stores, so none can forget to close them.
 */
export async function withRuntime<T>(config: RuntimeConfig, use: (runtime: Runtime) => Promise<T>): Promise<T> {
  const runtime = await resolveRuntime(config);
  try {
    return await use(runtime);
  } finally {
    await runtime.close();
  }
}

/**
 * The live state as it is now, read once: no watcher, no subscription, no runtime held (what
 * `aiflags eval --live` shows).
 */
export async function readLiveState(config: RuntimeConfig = {}, env?: RuntimeEnv): Promise<LiveState> {
  const spec = resolveRuntimeSpec(config, env);
  if (spec.store.kind === 'file') return new FileStateStore(spec.store.dir).read();
  const { RedisStateStore } = await import('@aiflags/redis');
  const store = new RedisStateStore({ url: spec.store.url, prefix: spec.store.prefix });
  try {
    return await store.read();
  } finally {
    await store.close();
  }
}

/** Like `resolveRuntime`, from a spec already resolved. */
export async function openRuntime(spec: RuntimeSpec): Promise<Runtime> {
  const lease = await runtimeRegistry.acquire(spec);
  try {
    await lease.stores.state.start();
  } catch (error) {
    await lease.release();
    throw error;
  }
  return {
    flagsPath: spec.flagsPath,
    stateDir: spec.stateDir,
    spec,
    state: lease.stores.state,
    get metrics() {
      return lease.stores.metrics;
    },
    get presence() {
      return lease.stores.presence;
    },
    shadows: lease.stores.shadows,
    close: () => lease.release(),
  };
}
