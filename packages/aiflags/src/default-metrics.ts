import { FileMetricStore } from '@aiflags/ai';
import type { Exposure, MetricStore, Outcome, TimeRange, VariantAggregate } from '@aiflags/core';
import { stateDirOf, type RuntimeConfig } from './runtime.js';

const stores = new Map<string, MetricStore>();

/**
 * Where `aiFlags(client)` records when the caller names no store: the same store `aiflags report` reads —
 * `.aiflags/` beside the flag file, or Redis when REDIS_URL is set. One per process and place.
 */
export function defaultMetrics(config: RuntimeConfig = {}): MetricStore {
  const redisUrl = config.redisUrl ?? process.env.REDIS_URL;
  const key = redisUrl ? `redis:${redisUrl}:${config.redisPrefix ?? ''}` : `file:${stateDirOf(config)}`;
  let store = stores.get(key);
  if (!store) {
    store = redisUrl ? new DeferredMetricStore(redisMetrics(redisUrl, config.redisPrefix)) : new FileMetricStore({ dir: stateDirOf(config) });
    stores.set(key, store);
  }
  return store;
}

/**
 * Flushes and closes every store `defaultMetrics` opened; call it at shutdown. The file store also writes
 * at process exit on its own, but a Redis store can only send what it buffers (up to a second) from here.
 */
export async function closeDefaultMetrics(): Promise<void> {
  const open = [...stores.values()];
  stores.clear();
  await Promise.all(open.map((store) => store.close()));
}

/** The metric store alone (no live state: the provider's runtime has that), loaded on demand like the rest of the Redis backend. */
async function redisMetrics(url: string, prefix: string | undefined): Promise<MetricStore> {
  const { createRedisMetrics } = await import('./backends/redis.js');
  return createRedisMetrics({ url, ...(prefix !== undefined ? { prefix } : {}) });
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
