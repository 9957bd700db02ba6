import { appendAll, type ReplayResult, type ReplayResultStore } from '@aiflags/ai';
import type { Exposure, MetricStore, Outcome, TimeRange, VariantAggregate } from '@aiflags/metrics';
import type { RuntimeConfig } from './runtime.js';
import { runtimeRegistry, type StoreLease } from './runtime-registry.js';
import { resolveRuntimeSpec } from './runtime-spec.js';

interface Held {
  store: MetricStore;
  shadows: ReplayResultStore;
  lease: Promise<StoreLease | undefined>;
}

const held = new Map<string, Held>();

/**
 * Where `aiFlags(client)` records when the caller names no store: the same store `aiflags report` reads —
 * `.aiflags/` beside the flag file, or Redis when REDIS_URL is set. One per process and place, shared with
 * the provider's runtime through the runtime registry.
 */
export function defaultMetrics(config: RuntimeConfig = {}): MetricStore {
  return heldFor(config).store;
}

/**
 * Where `aiFlags(client)` writes shadow results when the caller names no store: the place `aiflags rollout`
 * reads them from, `.aiflags/replay/` or Redis when REDIS_URL is set, so every instance's shadow evidence
 * meets in one place. Held and closed with the default metric store.
 */
export function defaultShadowResults(config: RuntimeConfig = {}): ReplayResultStore {
  return heldFor(config).shadows;
}

function heldFor(config: RuntimeConfig): Held {
  const spec = resolveRuntimeSpec(config);
  let entry = held.get(spec.storeKey);
  if (!entry) {
    const now = runtimeRegistry.acquireNow(spec);
    if (now) {
      entry = { store: now.stores.metrics, shadows: now.stores.shadows, lease: Promise.resolve(now) };
    } else {
      const lease = runtimeRegistry.acquire(spec);
      const opened = lease.catch(() => undefined);
      entry = { store: new DeferredMetricStore(lease.then((l) => l.stores.metrics)), shadows: deferredResults(opened), lease: opened };
    }
    held.set(spec.storeKey, entry);
  }
  return entry;
}

/** A result store whose backing store is still being opened: each call waits for it (the runner counts a failure). */
function deferredResults(lease: Promise<StoreLease | undefined>): ReplayResultStore {
  const opened = async () => {
    const l = await lease;
    if (l === undefined) throw new Error('aiflags: the store for shadow results could not be opened');
    return l.stores.shadows;
  };
  return {
    append: async (result: ReplayResult) => (await opened()).append(result),
    appendMany: async (results: readonly ReplayResult[]) => appendAll(await opened(), results),
    async *stream(flagKey: string, flagVersion: string) {
      yield* (await opened()).stream(flagKey, flagVersion);
    },
  };
}

/**
 * Flushes every store `defaultMetrics` opened and lets go of it (closing it unless a provider still holds
 * it); call it at shutdown. The file store also writes at process exit on its own, but a Redis store can
 * only send what it buffers (up to a second) from here.
 */
export async function closeDefaultMetrics(): Promise<void> {
  const open = [...held.values()];
  held.clear();
  await Promise.all(
    open.map(async ({ store, lease }) => {
      await store.flush();
      await (await lease)?.release();
    }),
  );
}

/**
 * A MetricStore whose backing store is still being opened. Records are buffered (up to `limit`) and
 * forwarded once it is there; recording never throws. Drops are counted in `stats()`.
 */
class DeferredMetricStore implements MetricStore {
  private target: MetricStore | undefined;
  private queue: Array<(target: MetricStore) => void> = [];
  /** Records lost because the buffer was full or the store could not be opened. */
  private dropped = 0;
  private readonly ready: Promise<MetricStore | undefined>;

  constructor(
    target: Promise<MetricStore>,
    private readonly limit = 100_000,
  ) {
    this.ready = target.then(
      (t) => {
        this.target = t;
        for (const apply of this.queue) apply(t);
        this.queue = [];
        return t;
      },
      (error: unknown) => {
        this.dropped += this.queue.length;
        this.queue = [];
        process.emitWarning(`aiflags: metric store unavailable, outcomes are not recorded: ${error instanceof Error ? error.message : String(error)}`);
        return undefined;
      },
    );
  }

  recordExposure(e: Exposure): void {
    if (this.target) this.target.recordExposure(e);
    else this.enqueue((t) => t.recordExposure(e));
  }

  record(o: Outcome): void {
    if (this.target) this.target.record(o);
    else this.enqueue((t) => t.record(o));
  }

  async flush(): Promise<void> {
    await (await this.ready)?.flush();
  }

  async query(flagKey: string, range?: TimeRange): Promise<Record<string, VariantAggregate>> {
    const target = await this.ready;
    if (!target) throw new Error('aiflags: the metric store could not be opened');
    return target.query(flagKey, range);
  }

  stats(): { dropped: number; pending: number } {
    const inner = this.target?.stats() ?? { dropped: 0, pending: 0 };
    return { dropped: this.dropped + inner.dropped, pending: this.queue.length + inner.pending };
  }

  async close(): Promise<void> {
    await (await this.ready)?.close();
  }

  private enqueue(apply: (target: MetricStore) => void): void {
    if (this.queue.length < this.limit) this.queue.push(apply);
    else this.dropped++;
  }
}
