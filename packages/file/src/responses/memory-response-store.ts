import { DEFAULT_RESPONSE_TTL_MS, isResponseId, type ResponseAttribution, type ResponseStore, withAttribution } from '@aiflags/metrics';

export interface MemoryResponseStoreOptions {
  /** ms a response can still receive feedback (default 7 days). */
  ttlMs?: number;
  /** Response ids kept; beyond it the oldest is forgotten (default 100 000). */
  maxResponses?: number;
  /** Epoch ms (default Date.now). */
  clock?: () => number;
}

interface Entry {
  expires: number;
  attributions: ResponseAttribution[];
}

/** What a response store counts, beyond its contract. */
export interface ResponseStoreStats {
  /** Ids remembered (per flag). */
  remembered: number;
  /** Ids not remembered: not a string, empty, or longer than MAX_RESPONSE_ID_LENGTH. */
  rejected: number;
  /** Ids forgotten early because the store was full. */
  evicted: number;
}

/** A ResponseStore in process memory, bounded in count and time; feedback from the same process only. */
export class MemoryResponseStore implements ResponseStore {
  protected readonly ttlMs: number;
  protected readonly clock: () => number;
  private readonly maxResponses: number;
  private readonly entries = new Map<string, Entry>();
  protected counts: ResponseStoreStats = { remembered: 0, rejected: 0, evicted: 0 };

  constructor(options: MemoryResponseStoreOptions = {}) {
    this.ttlMs = options.ttlMs ?? DEFAULT_RESPONSE_TTL_MS;
    this.clock = options.clock ?? Date.now;
    this.maxResponses = Math.max(1, options.maxResponses ?? 100_000);
  }

  remember(responseId: string, attribution: ResponseAttribution): void {
    if (!isResponseId(responseId)) {
      this.counts.rejected++;
      return;
    }
    this.counts.remembered++;
    this.keep(responseId, attribution, attribution.at + this.ttlMs);
  }

  async lookup(responseId: string): Promise<ResponseAttribution[]> {
    return this.held(responseId);
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {}

  stats(): ResponseStoreStats {
    return { ...this.counts };
  }

  /** The attributions held in memory for an id, unexpired. */
  protected held(responseId: string): ResponseAttribution[] {
    const entry = this.entries.get(responseId);
    if (entry === undefined) return [];
    if (entry.expires <= this.clock()) {
      this.entries.delete(responseId);
      return [];
    }
    return entry.attributions.map((a) => ({ ...a }));
  }

  /** Holds an attribution until `expires` (epoch ms), forgetting the oldest id when full. */
  protected keep(responseId: string, attribution: ResponseAttribution, expires: number): void {
    if (expires <= this.clock()) return;
    const entry = this.entries.get(responseId);
    if (entry !== undefined) {
      entry.attributions = withAttribution(entry.attributions, attribution);
      entry.expires = Math.max(entry.expires, expires);
      return;
    }
    if (this.entries.size >= this.maxResponses) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
      this.counts.evicted++;
    }
    this.entries.set(responseId, { expires, attributions: [{ ...attribution }] });
  }
}
