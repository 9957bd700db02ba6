import type { Redis } from 'ioredis';
import { DEFAULT_RESPONSE_TTL_MS, isResponseId, MAX_ATTRIBUTIONS_PER_RESPONSE, type ResponseAttribution, type ResponseStore } from '@aiflags/metrics';
import { ensureConnected, openClient, whenReady, type RedisConnectionOptions } from '../connection/create-client.js';
import { defaultPrefix, redisKeys, type RedisKeys } from '../keys.js';

export interface RedisResponseStoreOptions extends RedisConnectionOptions {
  /** Key prefix; defaults to `aiflags:<env>`. */
  prefix?: string;
  env?: string;
  /** ms a response can still receive feedback: the keys' time to live (default 7 days). */
  ttlMs?: number;
  /** Attributions buffered while Redis is slow or away; beyond it they are dropped and counted (default 100 000). */
  maxPending?: number;
}

export interface RedisResponseStats {
  remembered: number;
  /** Ids not remembered: not a string, empty or too long. */
  rejected: number;
  /** Attributions lost to a full buffer or a failed write. */
  dropped: number;
  pending: number;
}

interface Pending {
  id: string;
  a: ResponseAttribution;
}

interface Lookup {
  id: string;
  resolve: (list: ResponseAttribution[]) => void;
  reject: (error: unknown) => void;
}

/**
 * A ResponseStore on Redis: one hash per response id (flag key -> JSON of variant, unit and time) with a
 * time to live, so feedback sent to any process finds the response made in any other. Writes are buffered
 * and sent in one pipeline per tick; lookups made in the same tick share one pipeline too, which is what
 * lets a feedback endpoint attribute tens of thousands a second.
 */
export class RedisResponseStore implements ResponseStore {
  readonly keys: RedisKeys;
  private readonly client: Redis;
  private readonly ownsClient: boolean;
  private readonly ttlMs: number;
  private readonly maxPending: number;
  private writes: Pending[] = [];
  private lookups: Lookup[] = [];
  private writeScheduled = false;
  private lookupScheduled = false;
  private flushing: Promise<void> | undefined;
  private counts = { remembered: 0, rejected: 0, dropped: 0 };

  constructor(options: RedisResponseStoreOptions = {}) {
    const { client, owned } = openClient(options);
    this.client = client;
    this.ownsClient = owned;
    this.keys = redisKeys(options.prefix ?? defaultPrefix(options.env));
    this.ttlMs = options.ttlMs ?? DEFAULT_RESPONSE_TTL_MS;
    this.maxPending = options.maxPending ?? 100_000;
    client.on('error', () => undefined);
    void ensureConnected(client).catch(() => undefined);
  }

  remember(responseId: string, attribution: ResponseAttribution): void {
    if (!isResponseId(responseId)) {
      this.counts.rejected++;
      return;
    }
    if (this.writes.length >= this.maxPending) {
      this.counts.dropped++;
      return;
    }
    this.counts.remembered++;
    this.writes.push({ id: responseId, a: attribution });
    if (!this.writeScheduled) {
      this.writeScheduled = true;
      setImmediate(() => {
        this.writeScheduled = false;
        void this.flush().catch(() => undefined);
      });
    }
  }

  lookup(responseId: string): Promise<ResponseAttribution[]> {
    if (!isResponseId(responseId)) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.lookups.push({ id: responseId, resolve, reject });
      if (this.lookupScheduled) return;
      this.lookupScheduled = true;
      setImmediate(() => {
        this.lookupScheduled = false;
        void this.runLookups();
      });
    });
  }

  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.writes.length === 0) return;
    const batch = this.writes;
    this.writes = [];
    this.flushing = this.write(batch).finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  stats(): RedisResponseStats {
    return { ...this.counts, pending: this.writes.length };
  }

  async close(): Promise<void> {
    await this.flush().catch(() => undefined);
    await this.runLookups();
    if (this.writes.length > 0) {
      this.counts.dropped += this.writes.length;
      this.writes = [];
    }
    if (this.ownsClient) {
      if (this.client.status === 'ready') await this.client.quit().catch(() => this.client.disconnect());
      else this.client.disconnect();
    }
  }

  private async write(batch: Pending[]): Promise<void> {
    if (!(await whenReady(this.client, 2000))) {
      this.requeue(batch);
      throw new Error(`aiflags: Redis is not connected (${this.client.status}); ${batch.length} response attributions stay buffered`);
    }
    const pipeline = this.client.pipeline();
    for (const { id, a } of batch) {
      const key = this.keys.response(id);
      const value: { v: string; at: number; u?: string } = { v: a.variant, at: a.at };
      if (a.unitId !== undefined) value.u = a.unitId;
      pipeline.hset(key, a.flagKey, JSON.stringify(value));
      // The time to live runs from the response, so a late write never extends it.
      pipeline.pexpireat(key, Math.round(a.at + this.ttlMs));
    }
    try {
      const replies = (await pipeline.exec()) ?? [];
      const failed = replies.find(([error]) => error);
      if (failed) throw failed[0];
    } catch (error) {
      this.requeue(batch);
      throw error;
    }
  }

  private requeue(batch: Pending[]): void {
    const room = Math.max(0, this.maxPending - this.writes.length);
    this.counts.dropped += Math.max(0, batch.length - room);
    this.writes = batch.slice(0, room).concat(this.writes);
  }

  private async runLookups(): Promise<void> {
    const batch = this.lookups;
    this.lookups = [];
    if (batch.length === 0) return;
    // This process's own buffered writes go first, so feedback right after the response finds it.
    await this.flush().catch(() => undefined);
    try {
      await ensureConnected(this.client);
      const pipeline = this.client.pipeline();
      for (const { id } of batch) pipeline.hgetall(this.keys.response(id));
      const replies = (await pipeline.exec()) ?? [];
      batch.forEach(({ resolve, reject }, i) => {
        const [error, hash] = replies[i] ?? [new Error('no reply')];
        if (error) reject(error);
        else resolve(parseAttributions(hash as Record<string, string>));
      });
    } catch (error) {
      for (const { reject } of batch) reject(error);
    }
  }
}

function parseAttributions(hash: Record<string, string>): ResponseAttribution[] {
  const out: ResponseAttribution[] = [];
  for (const [flagKey, text] of Object.entries(hash)) {
    if (out.length >= MAX_ATTRIBUTIONS_PER_RESPONSE) break;
    try {
      const v = JSON.parse(text) as { v?: unknown; at?: unknown; u?: unknown };
      if (typeof v.v !== 'string' || typeof v.at !== 'number') continue;
      out.push({ flagKey, variant: v.v, at: v.at, ...(typeof v.u === 'string' ? { unitId: v.u } : {}) });
    } catch {
      // A value not written by this store.
    }
  }
  return out;
}
