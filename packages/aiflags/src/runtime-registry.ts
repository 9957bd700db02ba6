import type { ReplayResult, ReplayResultStore } from '@aiflags/ai';
import { FileMetricStore, FileReplayResults } from '@aiflags/file';
import type { PresenceStore, StateStore } from '@aiflags/core';
import type { MetricStore } from '@aiflags/metrics';
import { FilePresenceStore, FileStateStore } from '@aiflags/file';
import type { RuntimeSpec } from './runtime-spec.js';

/** The stores of one place (a `.aiflags/` folder, or a Redis URL and prefix), opened once per process. */
export interface OpenedStores {
  /** Not started: `resolveRuntime` starts it for the consumers that read live state. */
  state: StateStore;
  /** Opened on first use: a consumer that only reads live state never starts a metric store's flush timer. */
  readonly metrics: MetricStore;
  /** Where instances reading this place announce themselves. */
  readonly presence: PresenceStore;
  /**
   * Shadow results (flag version `shadow`), written by every instance's ShadowRunner and read by `aiflags rollout`:
   * `.aiflags/replay/<flag>.jsonl`, or one Redis stream per flag.
   */
  readonly shadows: ReplayResultStore;
  close(): Promise<void>;
}

/** One consumer's hold on a place's stores; the stores close when the last hold is released. */
export interface StoreLease {
  stores: OpenedStores;
  release(): Promise<void>;
}

interface Entry {
  refs: number;
  opened: Promise<OpenedStores>;
  /** Set at once for stores that open without I/O (the file store), so a lease can be had synchronously. */
  now?: OpenedStores;
}

/**
 * The per-process registry shared by `createProvider`, `aiFlags` and every CLI command: one set of stores
 * per place (the spec's `storeKey`), reference counted, so the provider and the default metric store of one
 * process share one connection and one cached state instead of each opening its own.
 */
class RuntimeRegistry {
  private readonly entries = new Map<string, Entry>();

  async acquire(spec: RuntimeSpec): Promise<StoreLease> {
    const entry = this.entryFor(spec);
    entry.refs++;
    let stores: OpenedStores;
    try {
      stores = await entry.opened;
    } catch (error) {
      entry.refs--;
      throw error;
    }
    return this.lease(spec, entry, stores);
  }

  /** A lease without waiting, when the place's stores open without I/O (the file store); else undefined. */
  acquireNow(spec: RuntimeSpec): StoreLease | undefined {
    const entry = this.entryFor(spec);
    if (!entry.now) {
      if (entry.refs === 0) this.entries.delete(spec.storeKey);
      return undefined;
    }
    entry.refs++;
    return this.lease(spec, entry, entry.now);
  }

  private entryFor(spec: RuntimeSpec): Entry {
    const entry = this.entries.get(spec.storeKey);
    if (entry) return entry;
    const opened = openStores(spec);
    const created: Entry = opened instanceof Promise ? { refs: 0, opened } : { refs: 0, opened: Promise.resolve(opened), now: opened };
    this.entries.set(spec.storeKey, created);
    // A place that failed to open is forgotten, so the next caller tries again.
    created.opened.catch(() => {
      if (this.entries.get(spec.storeKey) === created) this.entries.delete(spec.storeKey);
    });
    return created;
  }

  private lease(spec: RuntimeSpec, entry: Entry, stores: OpenedStores): StoreLease {
    let released = false;
    return {
      stores,
      release: async () => {
        if (released) return;
        released = true;
        if (--entry.refs > 0) return;
        if (this.entries.get(spec.storeKey) === entry) this.entries.delete(spec.storeKey);
        await stores.close();
      },
    };
  }
}

export const runtimeRegistry = new RuntimeRegistry();

function openStores(spec: RuntimeSpec): OpenedStores | Promise<OpenedStores> {
  if (spec.store.kind === 'redis') {
    const { url, prefix } = spec.store;
    // Loaded on demand: an app on the file store never loads ioredis.
    return import('./backends/redis.js').then(({ createRedisRuntime }) => createRedisRuntime({ url, prefix }));
  }
  const dir = spec.store.dir;
  const state = new FileStateStore(dir);
  let metrics: FileMetricStore | undefined;
  const presence = new FilePresenceStore(dir);
  return {
    state,
    presence,
    shadows: new FileReplayResults<ReplayResult>(dir),
    get metrics() {
      return (metrics ??= new FileMetricStore({ dir }));
    },
    close: async () => {
      await Promise.all([state.close(), metrics?.close()]);
    },
  };
}
