import { FileMetricStore, type OutcomeRecorder } from '@aiflags/ai';
import type { Exposure, Outcome } from '@aiflags/core';
import { resolveRuntime, stateDirOf, type RuntimeConfig } from './runtime.js';

const stores = new Map<string, OutcomeRecorder>();

/**
 * Where `aiFlags(client)` records when the caller names no store: the same store `aiflags report` reads —
 * `.aiflags/` beside the flag file, or Redis when REDIS_URL is set. One per process and place.
 */
export function defaultMetrics(config: RuntimeConfig = {}): OutcomeRecorder {
  const redisUrl = config.redisUrl ?? process.env.REDIS_URL;
  const key = redisUrl ? `redis:${redisUrl}:${config.redisPrefix ?? ''}` : `file:${stateDirOf(config)}`;
  let store = stores.get(key);
  if (!store) {
    store = redisUrl ? new DeferredRecorder(resolveRuntime(config).then((r) => r.metrics)) : new FileMetricStore({ dir: stateDirOf(config) });
    stores.set(key, store);
  }
  return store;
}

/** Buffers what arrives while an asynchronous store connects, then forwards everything to it. Never throws. */
class DeferredRecorder implements OutcomeRecorder {
  private target: OutcomeRecorder | undefined;
  private queue: Array<(target: OutcomeRecorder) => void> = [];
  /** Records lost because the buffer was full or the store could not be opened. */
  dropped = 0;

  constructor(
    target: Promise<OutcomeRecorder>,
    private readonly limit = 100_000,
  ) {
    target.then(
      (t) => {
        this.target = t;
        for (const apply of this.queue) apply(t);
        this.queue = [];
      },
      (error: unknown) => {
        this.dropped += this.queue.length;
        this.queue = [];
        process.emitWarning(`aiflags: metric store unavailable, outcomes are not recorded: ${error instanceof Error ? error.message : String(error)}`);
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

  private enqueue(apply: (target: OutcomeRecorder) => void): void {
    if (this.queue.length < this.limit) this.queue.push(apply);
    else this.dropped++;
  }
}
