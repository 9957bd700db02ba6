import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import { appendFile, mkdir, open, readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { HOUR_MS, hourOf, isResponseId, type ResponseAttribution } from '@aiflags/metrics';
import { FlushSchedule } from '../flush-schedule.js';
import { aiflagsLayout } from '../layout.js';
import { MemoryResponseStore, type MemoryResponseStoreOptions } from './memory-response-store.js';

export interface FileResponseStoreOptions extends MemoryResponseStoreOptions {
  /** The `.aiflags` directory; files go to `<dir>/responses/`. */
  dir: string;
  /** ms between flushes (default 1000); 0 disables the timer (flush on close/exit only). */
  flushIntervalMs?: number;
  /** Attributions buffered between flushes; beyond it they are dropped and counted (default 100 000). */
  maxPending?: number;
}

/** One line of a responses file. */
interface Line {
  id: string;
  f: string;
  v: string;
  u?: string;
  at: number;
}

/**
 * A ResponseStore other processes on the machine can read: each process appends its attributions to its
 * own file per clock hour under `<dir>/responses/`, and a lookup that misses in memory reads what the other
 * files gained since it last looked. Files whose every line has expired are deleted by whoever sees them.
 */
export class FileResponseStore extends MemoryResponseStore {
  private readonly responsesDir: string;
  private readonly writerId = `${process.pid}-${randomBytes(4).toString('hex')}`;
  private readonly maxPending: number;
  private pending: string[] = [];
  private dropped = 0;
  /** Bytes of each other process's file already read, and an unfinished last line. */
  private readonly offsets = new Map<string, { bytes: number; rest: string }>();
  private flushing: Promise<void> | undefined;
  private readonly schedule: FlushSchedule;

  constructor(options: FileResponseStoreOptions) {
    super(options);
    this.responsesDir = aiflagsLayout(options.dir).responses;
    this.maxPending = options.maxPending ?? 100_000;
    this.schedule = new FlushSchedule(
      options.flushIntervalMs ?? 1000,
      () => this.flush(),
      () => this.flushSync(),
    );
  }

  override remember(responseId: string, attribution: ResponseAttribution): void {
    const before = this.counts.remembered;
    super.remember(responseId, attribution);
    if (this.counts.remembered === before) return;
    if (this.pending.length >= this.maxPending) {
      this.dropped++;
      return;
    }
    const line: Line = { id: responseId, f: attribution.flagKey, v: attribution.variant, at: attribution.at };
    if (attribution.unitId !== undefined) line.u = attribution.unitId;
    this.pending.push(JSON.stringify(line));
  }

  override async lookup(responseId: string): Promise<ResponseAttribution[]> {
    const held = this.held(responseId);
    if (held.length > 0 || !isResponseId(responseId)) return held;
    await this.readOthers();
    return this.held(responseId);
  }

  /** Appends the buffered attributions to this process's file for the current hour. */
  override async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.pending.length === 0) return;
    const lines = this.pending;
    this.pending = [];
    this.flushing = (async () => {
      try {
        await mkdir(this.responsesDir, { recursive: true });
        await appendFile(this.ownFile(), `${lines.join('\n')}\n`);
      } catch (error) {
        this.pending = lines.concat(this.pending).slice(0, this.maxPending);
        throw error;
      }
    })().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  override async close(): Promise<void> {
    if (this.schedule.stop()) await this.flush();
  }

  /** Attributions lost to a full buffer. */
  droppedCount(): number {
    return this.dropped;
  }

  private ownFile(): string {
    return join(this.responsesDir, `${hourOf(this.clock())}-${this.writerId}.jsonl`);
  }

  private async readOthers(): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.responsesDir);
    } catch {
      return;
    }
    const now = this.clock();
    for (const name of names) {
      if (!name.endsWith('.jsonl')) continue;
      const path = join(this.responsesDir, name);
      const hour = Number(name.slice(0, name.indexOf('-')));
      // Every line of a file was written within its hour, so once that hour plus the TTL has passed, all have expired (this process's own files too).
      if (Number.isFinite(hour) && hour + HOUR_MS + this.ttlMs <= now) {
        await unlink(path).catch(() => undefined);
        this.offsets.delete(path);
        continue;
      }
      if (!name.includes(this.writerId)) await this.readNew(path).catch(() => undefined);
    }
  }

  /** Reads what a file gained since the last look and holds each complete line. */
  private async readNew(path: string): Promise<void> {
    const seen = this.offsets.get(path) ?? { bytes: 0, rest: '' };
    const size = (await stat(path)).size;
    if (size <= seen.bytes) return;
    const handle = await open(path, 'r');
    try {
      const buffer = Buffer.alloc(size - seen.bytes);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, seen.bytes);
      const text = seen.rest + buffer.subarray(0, bytesRead).toString('utf8');
      const end = text.lastIndexOf('\n');
      for (const raw of text.slice(0, end + 1).split('\n')) this.holdLine(raw);
      this.offsets.set(path, { bytes: seen.bytes + bytesRead, rest: text.slice(end + 1) });
    } finally {
      await handle.close();
    }
  }

  private holdLine(raw: string): void {
    if (raw.length === 0) return;
    try {
      const l = JSON.parse(raw) as Line;
      if (!isResponseId(l.id) || typeof l.f !== 'string' || typeof l.v !== 'string' || !Number.isFinite(l.at)) return;
      this.keep(l.id, { flagKey: l.f, variant: l.v, ...(typeof l.u === 'string' ? { unitId: l.u } : {}), at: l.at }, l.at + this.ttlMs);
    } catch {
      // A line being written right now, or not ours.
    }
  }

  /** At process exit only synchronous work runs. */
  private flushSync(): void {
    if (this.pending.length === 0) return;
    try {
      mkdirSync(this.responsesDir, { recursive: true });
      appendFileSync(this.ownFile(), `${this.pending.join('\n')}\n`);
      this.pending = [];
    } catch {
      // Nothing left to report to at exit.
    }
  }
}
