import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import {
  AggregateTable,
  HOUR_MS,
  deserializeAggregate,
  hourOf,
  outcomeProblem,
  serializeAggregate,
  type Exposure,
  type MetricStore,
  type Outcome,
  type SerializedAggregate,
  type TimeRange,
  type VariantAggregate,
} from '@aiflags/metrics';
import { ensureConnected, openClient, whenReady, type RedisConnectionOptions } from '../connection/create-client.js';
import { defaultPrefix, redisKeys, type RedisKeys } from '../keys.js';
import { consoleLogger, type Logger } from '../logger.js';

export interface RedisMetricStoreOptions extends RedisConnectionOptions {
  /** Key prefix; defaults to `aiflags:<env>`. */
  prefix?: string;
  env?: string;
  logger?: Logger;
  /** Milliseconds between background flushes (default 1000); 0 disables the timer. */
  flushIntervalMs?: number;
  /** Most (flag, variant, hour) cells held in memory; records needing more are dropped and counted (default 10 000). */
  maxCells?: number;
  /** Cells stay in memory this long (ms) after their hour ends, for late records (default 2 h). */
  keepHoursMs?: number;
  /** Redis keys expire this long (ms) after the last write (default 30 days). */
  retentionMs?: number;
  /** Epoch ms for records without `at`. */
  clock?: () => number;
}

/** What stats() reports beyond the MetricStore contract. */
export interface RedisMetricStats {
  /** Records lost: a full cell table, a rejected outcome, or still unwritten when the store closed with Redis unreachable. */
  dropped: number;
  /** Outcomes rejected at record time for a value no measurement can have (see outcomeProblem); also in dropped. */
  rejected: number;
  /** Records not yet written to Redis. */
  pending: number;
  /** Flushes that failed (Redis unreachable); their data stays buffered and is retried. */
  failedFlushes: number;
}

interface Cell {
  flagKey: string;
  variant: string;
  hour: number;
  /** Hash field this cell is written to: `<writer id>:<variant>`. */
  field: string;
}

const SEP = '\u0000';

/**
 * A MetricStore on Redis. Each process aggregates in memory and writes the cumulative aggregate of each
 * (flag, variant, hour) cell under its own hash field, so a write is an idempotent overwrite: a retry
 * after a lost reply never counts twice, and after Redis loses data (restart without persistence) the
 * next flush writes the cells back. `query` merges every process's fields exactly (sums, Chan-merged
 * moments, DDSketch, HyperLogLog). Unique units come from the cells' own HyperLogLogs, which are part of
 * the cumulative aggregate and so are written back with it; a Redis HyperLogLog fed by PFADD could not be,
 * since the ids it was fed are gone, and after a restart it would count only the units seen since.
 */
export class RedisMetricStore implements MetricStore {
  readonly keys: RedisKeys;
  private readonly client: Redis;
  private readonly ownsClient: boolean;
  private readonly logger: Logger;
  private readonly table: AggregateTable;
  private readonly clock: () => number;
  private readonly maxCells: number;
  private readonly keepHoursMs: number;
  private readonly retentionMs: number;
  /** A random id per store instance; a new one after cells are evicted, so a re-created cell never overwrites. */
  private writerId = newWriterId();
  private readonly cells = new Map<string, Cell>();
  private readonly dirty = new Set<string>();
  private pending = 0;
  private dropped = 0;
  private rejected = 0;
  /** Fields whose rejected values were already logged: one line per field, not per record. */
  private readonly rejectedLogged = new Set<string>();
  private failedFlushes = 0;
  private flushing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private wasOffline = false;
  private lastKey = '';
  private lastCell: Cell | undefined;
  private lastFlag: string | undefined;
  private lastVariant: string | undefined;
  private lastHour = NaN;
  private recordAt = 0;

  constructor(options: RedisMetricStoreOptions = {}) {
    const { client, owned } = openClient(options);
    this.client = client;
    this.ownsClient = owned;
    this.keys = redisKeys(options.prefix ?? defaultPrefix(options.env));
    this.logger = options.logger ?? consoleLogger;
    this.clock = options.clock ?? Date.now;
    // The table reads the time this store already took for the record, so both agree on its hour.
    this.table = new AggregateTable({ clock: () => this.recordAt });
    this.maxCells = options.maxCells ?? 10_000;
    this.keepHoursMs = options.keepHoursMs ?? 2 * HOUR_MS;
    this.retentionMs = options.retentionMs ?? 30 * 24 * HOUR_MS;
    client.on('error', () => (this.wasOffline = true));
    client.on('close', () => (this.wasOffline = true));
    client.on('ready', () => {
      // Redis may have come back empty (no persistence): write every held cell again, not only new ones.
      if (this.wasOffline) for (const key of this.cells.keys()) this.dirty.add(key);
      this.wasOffline = false;
    });
    void ensureConnected(client).catch(() => undefined);
    const interval = options.flushIntervalMs ?? 1000;
    if (interval > 0) {
      this.timer = setInterval(() => void this.flush().catch(() => undefined), interval);
      this.timer.unref();
    }
  }

  recordExposure(e: Exposure): void {
    try {
      const at = e.at ?? this.clock();
      const cell = this.cellFor(e.flagKey, e.variant, at);
      if (cell === undefined) return;
      this.recordAt = at;
      this.table.addExposure(e);
      this.pending++;
    } catch {
      this.dropped++;
    }
  }

  record(o: Outcome): void {
    try {
      const problem = outcomeProblem(o);
      if (problem !== undefined) {
        this.rejected++;
        this.dropped++;
        if (!this.rejectedLogged.has(problem.field)) {
          this.rejectedLogged.add(problem.field);
          this.logger.warn(
            `aiflags: rejected an ${problem.message}; counted in stats().rejected (further ${problem.field} rejections are counted, not logged)`,
          );
        }
        return;
      }
      const at = o.at ?? this.clock();
      const cell = this.cellFor(o.flagKey, o.variant, at);
      if (cell === undefined) return;
      this.recordAt = at;
      this.table.addOutcome(o);
      this.pending++;
    } catch {
      this.dropped++;
    }
  }

  /** Writes every changed cell in one pipeline; on failure they stay buffered. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.dirty.size === 0) return;
    this.flushing = this.writeDirty().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  async query(flagKey: string, range: TimeRange = {}): Promise<Record<string, VariantAggregate>> {
    await ensureConnected(this.client);
    await this.flush().catch(() => undefined);
    const min = range.since === undefined ? '-inf' : String(hourOf(range.since));
    const max = range.until === undefined ? '+inf' : `(${range.until}`;
    const hours = (await this.client.zrangebyscore(this.keys.metricBuckets(flagKey), min, max)).map(Number);
    const read = this.client.pipeline();
    for (const hour of hours) read.hgetall(this.keys.metricCells(flagKey, hour));
    const replies = (await read.exec()) ?? [];
    const merged = new AggregateTable();
    replies.forEach(([error, hash], i) => {
      if (error) throw error;
      const hour = hours[i]!;
      for (const [field, text] of Object.entries(hash as Record<string, string>)) {
        const variant = field.slice(field.indexOf(':') + 1);
        try {
          merged.mergeIn({ flagKey, variant, hour, aggregate: deserializeAggregate(JSON.parse(text) as SerializedAggregate) });
        } catch (e) {
          this.logger.error(`aiflags: skipped a corrupted metric cell ${this.keys.metricCells(flagKey, hour)} field ${field}: ${(e as Error).message}`);
        }
      }
    });
    const out = merged.query(flagKey, range);
    // The union of every writer's sketch over the hours in range, also given as unitsEstimate so a caller
    // that merges these results with aggregates from elsewhere keeps it (mergeAggregateInto takes the larger).
    for (const agg of Object.values(out)) if (!agg.units.isEmpty()) agg.unitsEstimate = agg.units.estimate();
    return out;
  }

  stats(): RedisMetricStats {
    return { dropped: this.dropped, rejected: this.rejected, pending: this.pending, failedFlushes: this.failedFlushes };
  }

  /** Flushes (a few attempts while Redis reconnects), counts what could not be written as dropped, and disconnects. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    // A flush in flight has already taken the dirty cells; its outcome decides what is still pending.
    if (this.flushing) await this.flushing.catch(() => undefined);
    for (let attempt = 0; attempt < 3 && this.dirty.size > 0; attempt++) {
      try {
        await this.flush();
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    if (this.pending > 0) {
      this.logger.error(`aiflags: closed with ${this.pending} metric records not written to Redis; counted as dropped`);
      this.dropped += this.pending;
      this.pending = 0;
    }
    if (this.ownsClient) {
      if (this.client.status === 'ready') await this.client.quit().catch(() => this.client.disconnect());
      else this.client.disconnect();
    }
  }

  private async writeDirty(): Promise<void> {
    if (!(await whenReady(this.client, 2000))) {
      this.failedFlushes++;
      throw new Error(`aiflags: Redis is not connected (${this.client.status}); ${this.pending} metric records stay buffered`);
    }
    const keys = [...this.dirty];
    const pendingBefore = this.pending;
    this.dirty.clear();
    const expireSeconds = Math.ceil(this.retentionMs / 1000);
    const write = this.client.pipeline();
    const touched = new Set<string>();
    for (const key of keys) {
      const cell = this.cells.get(key);
      if (cell === undefined) continue;
      const aggregate = this.table.query(cell.flagKey, { since: cell.hour, until: cell.hour + 1 })[cell.variant];
      if (aggregate === undefined) continue;
      const cellsKey = this.keys.metricCells(cell.flagKey, cell.hour);
      write.hset(cellsKey, cell.field, JSON.stringify(serializeAggregate(aggregate)));
      const bucketsKey = this.keys.metricBuckets(cell.flagKey);
      write.zadd(bucketsKey, cell.hour, String(cell.hour));
      touched.add(cellsKey).add(bucketsKey);
    }
    for (const key of touched) write.expire(key, expireSeconds);
    // Hours whose cells have expired leave the index too.
    const oldest = this.clock() - this.retentionMs;
    for (const flagKey of new Set(keys.map((key) => this.cells.get(key)?.flagKey))) {
      if (flagKey !== undefined) write.zremrangebyscore(this.keys.metricBuckets(flagKey), '-inf', `(${oldest - HOUR_MS}`);
    }
    try {
      const replies = (await write.exec()) ?? [];
      const failed = replies.find(([error]) => error);
      if (failed) throw failed[0];
    } catch (error) {
      // Everything stays buffered: the cells are cumulative, so writing them again later loses nothing.
      for (const key of keys) this.dirty.add(key);
      this.failedFlushes++;
      throw error;
    }
    this.pending -= pendingBefore;
    this.evictOldCells();
  }

  /** The cell for a record, or undefined (dropped and counted) when it would exceed maxCells. */
  private cellFor(flagKey: string, variant: string, at: number): Cell | undefined {
    const hour = hourOf(at);
    let key: string;
    if (flagKey === this.lastFlag && variant === this.lastVariant && hour === this.lastHour) key = this.lastKey;
    else {
      key = flagKey + SEP + variant + SEP + hour;
      this.lastFlag = flagKey;
      this.lastVariant = variant;
      this.lastHour = hour;
      this.lastKey = key;
      this.lastCell = this.cells.get(key);
    }
    let cell = this.lastCell;
    if (cell === undefined) {
      if (this.cells.size >= this.maxCells) {
        this.dropped++;
        return undefined;
      }
      cell = { flagKey, variant, hour, field: `${this.writerId}:${variant}` };
      this.cells.set(key, cell);
      this.lastCell = cell;
    }
    this.dirty.add(key);
    return cell;
  }

  /** Forgets written cells whose hour ended more than keepHoursMs ago; later records for them start a new field. */
  private evictOldCells(): void {
    const cutoff = this.clock() - this.keepHoursMs;
    const old = [...this.cells].filter(([, cell]) => cell.hour + HOUR_MS <= cutoff).map(([key]) => key);
    // A late record made an old cell dirty again: keep everything until it is written.
    if (old.length === 0 || old.some((key) => this.dirty.has(key))) return;
    for (const key of old) this.cells.delete(key);
    this.table.dropBefore(cutoff);
    this.writerId = newWriterId();
    this.lastFlag = undefined;
    this.lastCell = undefined;
  }
}

function newWriterId(): string {
  return randomBytes(6).toString('hex');
}
