import type { Redis } from 'ioredis';
import { ensureConnected, openClient, type RedisConnectionOptions } from '../connection/create-client.js';
import { defaultPrefix, redisKeys, type RedisKeys } from '../keys.js';

/** What a kept result needs for this store: the flag and the flag version it ran against (shadow results: `shadow`). */
export interface RedisKeptResult {
  flagKey: string;
  flagVersion: string;
}

export interface RedisReplayResultsOptions extends RedisConnectionOptions {
  /** Key prefix; defaults to `aiflags:<env>`. */
  prefix?: string;
  env?: string;
  /** Records kept per flag version, the oldest trimmed first (default 100 000; trimming is approximate, as Redis's `MAXLEN ~`). */
  maxRecords?: number;
  /** Records read per round trip when streaming (default 1000). */
  pageSize?: number;
  /** ms a flag version's results are kept after its last write (default 30 days): old flag versions go on their own. */
  ttlMs?: number;
}

/**
 * Replay and shadow results in Redis: one stream per flag version (`<prefix>:replay:{<flag>}:<version>`), one
 * entry per result as it is recorded (a later record of the same case and variant wins, as in the file store),
 * so every instance of an app writes its shadow evidence where `aiflags rollout`, on any machine, reads it.
 * Streams page by entry id, so a reader walks the records in the order written even while writers trim.
 */
export class RedisReplayResults<R extends RedisKeptResult> {
  readonly keys: RedisKeys;
  private readonly client: Redis;
  private readonly ownsClient: boolean;
  private readonly maxRecords: number;
  private readonly pageSize: number;
  private readonly ttlMs: number;
  /** Entries that were not JSON of a result of the flag version asked for. */
  skipped = 0;

  constructor(options: RedisReplayResultsOptions = {}) {
    const { client, owned } = openClient(options);
    this.client = client;
    this.ownsClient = owned;
    this.keys = redisKeys(options.prefix ?? defaultPrefix(options.env));
    this.maxRecords = Math.max(1, Math.floor(options.maxRecords ?? 100_000));
    this.pageSize = Math.max(1, Math.floor(options.pageSize ?? 1000));
    this.ttlMs = Math.max(1, Math.floor(options.ttlMs ?? 30 * 24 * 3_600_000));
    if (owned) client.on('error', () => undefined);
  }

  async append(result: R): Promise<void> {
    await this.appendMany([result]);
  }

  /** Several results in the order given, in one transaction: an entry each, and each stream's time to live renewed once. */
  async appendMany(results: readonly R[]): Promise<void> {
    if (results.length === 0) return;
    await ensureConnected(this.client);
    const tx = this.client.multi();
    const keys = new Set<string>();
    for (const r of results) {
      const key = this.keys.replay(r.flagKey, r.flagVersion);
      keys.add(key);
      tx.xadd(key, 'MAXLEN', '~', this.maxRecords, '*', 'r', JSON.stringify(r));
    }
    for (const key of keys) tx.pexpire(key, this.ttlMs);
    const replies = await tx.exec();
    const failed = replies?.find(([error]) => error !== null)?.[0];
    if (replies === null || failed) throw failed ?? new Error(`aiflags: writing ${results.length} results to ${[...keys].join(', ')} was aborted`);
  }

  async load(flagKey: string, flagVersion: string): Promise<R[]> {
    const out: R[] = [];
    for await (const r of this.stream(flagKey, flagVersion)) out.push(r);
    return out;
  }

  /** The flag version's results in the order recorded, a page at a time; no stream yet is no results. */
  async *stream(flagKey: string, flagVersion: string): AsyncGenerator<R> {
    await ensureConnected(this.client);
    const key = this.keys.replay(flagKey, flagVersion);
    let after = '-';
    for (;;) {
      const page = await this.client.xrange(key, after === '-' ? '-' : `(${after}`, '+', 'COUNT', this.pageSize);
      for (const [id, fields] of page) {
        after = id;
        const r = this.parse(fields, flagKey, flagVersion);
        if (r !== undefined) yield r;
      }
      if (page.length < this.pageSize) return;
    }
  }

  async close(): Promise<void> {
    if (!this.ownsClient) return;
    if (this.client.status === 'ready') await this.client.quit().catch(() => this.client.disconnect());
    else this.client.disconnect();
  }

  private parse(fields: string[], flagKey: string, flagVersion: string): R | undefined {
    const json = fields[fields.indexOf('r') + 1];
    try {
      const r = JSON.parse(json ?? '') as R;
      if (r.flagKey === flagKey && r.flagVersion === flagVersion) return r;
    } catch {
      // counted below
    }
    this.skipped++;
    return undefined;
  }
}
