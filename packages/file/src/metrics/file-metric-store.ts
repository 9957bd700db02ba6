import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { readdir, readFile, rename, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  AggregateTable,
  deserializeAggregate,
  serializeAggregate,
  type Exposure,
  type Outcome,
  type SerializedAggregate,
  type TimeRange,
  type VariantAggregate,
} from '@aiflags/metrics';
import { MemoryMetricStore, type MemoryMetricStoreOptions } from '@aiflags/metrics';
import { FlushSchedule } from '../flush-schedule.js';
import { aiflagsLayout } from '../layout.js';

export interface FileMetricStoreOptions extends MemoryMetricStoreOptions {
  /** The `.aiflags` directory; files go to `<dir>/metrics/`. */
  dir: string;
  /** Milliseconds between flushes (default 5000); 0 disables the timer (flush on close/exit only). */
  flushIntervalMs?: number;
  /** Cells older than this many ms are forgotten at flush (default 30 days). */
  retentionMs?: number;
  /** Told once per unreadable cell in another process's file (default: console.warn, i.e. stderr). */
  warn?: (message: string) => void;
}

/** What one process writes: its whole aggregate table, replaced atomically at every flush. */
interface MetricsFile {
  /** Where it was read from (not written). */
  path?: string;
  format: 'aiflags-metrics';
  version: 1;
  pid: number;
  writtenAt: string;
  entries: Array<{ flagKey: string; variant: string; hour: number; aggregate: SerializedAggregate }>;
}

const DEFAULT_FLUSH_INTERVAL_MS = 5_000;
const DEFAULT_RETENTION_MS = 30 * 24 * 3_600_000;

/**
 * The embedded default MetricStore: aggregates in memory, each process writing its own file
 * `<dir>/metrics/<pid>-<random>.json` (on an interval, on close and at exit), and `query()` merging every
 * process's file, so the CLI sees all processes on the machine. One writer per file means no locks.
 */
export class FileMetricStore extends MemoryMetricStore {
  readonly file: string;
  private readonly metricsDir: string;
  private readonly retentionMs: number;
  private readonly clock: () => number;
  private readonly warn: (message: string) => void;
  /** Cells already reported as unreadable (`<file>\u0000<flag>\u0000<variant>\u0000<hour>`), so each is told once. */
  private readonly unreadable = new Set<string>();
  private pending = 0;
  private flushing: Promise<void> | undefined;
  private readonly schedule: FlushSchedule;

  constructor(options: FileMetricStoreOptions) {
    super(options);
    this.metricsDir = aiflagsLayout(options.dir).metrics;
    this.file = join(this.metricsDir, `${process.pid}-${randomBytes(4).toString('hex')}.json`);
    this.retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
    this.clock = options.clock ?? Date.now;
    this.warn = options.warn ?? ((message) => console.warn(message));
    this.schedule = new FlushSchedule(
      options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS,
      () => this.flush(),
      () => this.flushSync(),
    );
  }

  override recordExposure(e: Exposure): void {
    const dropped = this.dropped;
    super.recordExposure(e);
    if (this.dropped === dropped) this.pending++;
  }

  override record(o: Outcome): void {
    const dropped = this.dropped;
    super.record(o);
    if (this.dropped === dropped) this.pending++;
  }

  /** Writes this process's aggregates to its file (write to a temp file, then rename: readers never see half a file). */
  override async flush(): Promise<void> {
    if (this.flushing) await this.flushing;
    if (this.pending === 0) return;
    const task = (async () => {
      const written = this.pending;
      const text = this.snapshot();
      await mkdir(this.metricsDir, { recursive: true });
      const tmp = `${this.file}.tmp`;
      await writeFile(tmp, text);
      await rename(tmp, this.file);
      this.pending -= written;
    })();
    this.flushing = task;
    try {
      await task;
    } finally {
      this.flushing = undefined;
    }
  }

  /** This process's aggregates (unflushed ones included) merged with every other process's last flush. */
  override async query(flagKey: string, range?: TimeRange): Promise<Record<string, VariantAggregate>> {
    const merged = new AggregateTable();
    for (const entry of this.table.entries()) if (entry.flagKey === flagKey) merged.mergeIn(entry);
    for (const file of await readMetricsFiles(this.metricsDir, this.file)) {
      for (const e of file.entries) {
        if (e?.flagKey !== flagKey) continue;
        // One unreadable cell (e.g. a variance that overflowed, written as null by an older version) is
        // skipped and told, so the flag's other variants and hours still report.
        let aggregate: VariantAggregate;
        try {
          if (typeof e.variant !== 'string' || !Number.isFinite(e.hour)) throw new Error('expected { flagKey, variant, hour, aggregate }');
          aggregate = deserializeAggregate(e.aggregate);
        } catch (error) {
          this.reportUnreadable(file.path ?? '?', e, (error as Error).message);
          continue;
        }
        merged.mergeIn({ flagKey: e.flagKey, variant: e.variant, hour: e.hour, aggregate });
      }
    }
    return merged.query(flagKey, range);
  }

  /** Cells of other processes' files that could not be read and were left out of query results, so far. */
  unreadableCells(): number {
    return this.unreadable.size;
  }

  override stats(): { dropped: number; pending: number } {
    return { dropped: this.dropped, pending: this.pending };
  }

  override async close(): Promise<void> {
    if (this.schedule.stop()) await this.flush();
  }

  private reportUnreadable(path: string, e: MetricsFile['entries'][number], reason: string): void {
    const key = [path, e.flagKey, e.variant, e.hour].join('\u0000');
    if (this.unreadable.has(key)) return;
    this.unreadable.add(key);
    const hour = Number.isFinite(e.hour) ? new Date(e.hour).toISOString() : String(e.hour);
    this.warn(`aiflags: ${path}: skipped an unreadable metric cell (flag '${e.flagKey}', variant '${String(e.variant)}', hour ${hour}): ${reason}`);
  }

  private snapshot(): string {
    this.table.dropBefore(this.clock() - this.retentionMs);
    const file: MetricsFile = {
      format: 'aiflags-metrics',
      version: 1,
      pid: process.pid,
      writtenAt: new Date(this.clock()).toISOString(),
      entries: this.table.entries().map((e) => ({ flagKey: e.flagKey, variant: e.variant, hour: e.hour, aggregate: serializeAggregate(e.aggregate) })),
    };
    return JSON.stringify(file);
  }

  /** At process exit only synchronous work runs, so the last flush is synchronous. */
  private flushSync(): void {
    if (this.pending === 0) return;
    try {
      mkdirSync(this.metricsDir, { recursive: true });
      const tmp = `${this.file}.tmp`;
      writeFileSync(tmp, this.snapshot());
      renameSync(tmp, this.file);
      this.pending = 0;
    } catch {
      // Nothing left to report to at exit; the data since the last flush is lost with the process.
    }
  }
}

/** Every process's metrics file in `dir` except `skip`; unreadable or foreign files are ignored. */
async function readMetricsFiles(dir: string, skip: string): Promise<MetricsFile[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const out: MetricsFile[] = [];
  for (const name of names) {
    if (!name.endsWith('.json')) continue;
    const path = join(dir, name);
    if (path === skip) continue;
    try {
      const parsed = JSON.parse(await readFile(path, 'utf8')) as MetricsFile;
      if (parsed?.format === 'aiflags-metrics' && parsed.version === 1 && Array.isArray(parsed.entries)) out.push({ ...parsed, path });
    } catch {
      // A file being replaced right now, or not ours: skip it rather than fail the whole report.
    }
  }
  return out;
}
