import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { changedKeys, emptyLiveState, type FlagOverride, type LiveState, type StateStore } from '@aiflags/core';
import { FileWatcher } from '../watch/file-watcher.js';
import { FileAuditLog } from './file-audit-log.js';
import { withFileLock, type FileLockOptions } from './file-lock.js';
import {
  applyFlagOverride,
  applyKillSwitch,
  liveStateProblem,
  type AppliedChange,
  type AuditedChangeMeta,
} from './live-state-changes.js';
import { StateListeners, type StateListener } from './state-listeners.js';

export interface FileStateStoreOptions {
  /** Polling interval in ms behind fs.watch; other processes' changes arrive within this much. Default 250. */
  pollMs?: number;
  lock?: FileLockOptions;
  /** Where rejected state files are reported. Default console.error. */
  logError?: (message: string) => void;
}

/**
 * The embedded default live state: `state.json` in a directory (`.aiflags/` beside the flag file),
 * shared by every process on the machine. Writes are read-modify-write under a lock file and land by
 * atomic rename, so readers never see half a file and concurrent writers never lose an update.
 */
export class FileStateStore implements StateStore {
  readonly audit: FileAuditLog;
  readonly statePath: string;
  private readonly lockPath: string;
  private state: LiveState = emptyLiveState();
  private lastText: string | undefined;
  private rejectedText: string | undefined;
  private readonly listeners = new StateListeners();
  private watcher: FileWatcher | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly logError: (message: string) => void;

  constructor(
    readonly dir: string,
    private readonly options: FileStateStoreOptions = {},
  ) {
    this.statePath = join(dir, 'state.json');
    this.lockPath = join(dir, 'state.lock');
    this.audit = new FileAuditLog(join(dir, 'audit.jsonl'));
    this.logError = options.logError ?? ((message) => console.error(message));
  }

  async start(): Promise<LiveState> {
    await mkdir(this.dir, { recursive: true });
    await this.reload();
    if (!this.watcher) {
      this.watcher = new FileWatcher(this.statePath, () => void this.reload(), {
        pollMs: this.options.pollMs ?? 250,
        debounceMs: 10,
      });
      await this.watcher.start();
    }
    return this.state;
  }

  current(): LiveState {
    return this.state;
  }

  onChange(listener: StateListener): () => void {
    return this.listeners.add(listener);
  }

  async setKillSwitch(name: string, killed: boolean, meta?: AuditedChangeMeta & { retryAfter?: number }): Promise<LiveState> {
    return this.write((state) => applyKillSwitch(state, name, killed, meta));
  }

  async setFlagOverride(flagKey: string, override: FlagOverride | null, meta?: AuditedChangeMeta): Promise<LiveState> {
    return this.write((state) => applyFlagOverride(state, flagKey, override, meta));
  }

  async close(): Promise<void> {
    this.watcher?.close();
    this.watcher = undefined;
    this.listeners.clear();
    await this.queue.catch(() => undefined);
  }

  /** Re-reads state.json and applies it when it changed; a corrupted file is logged and ignored. */
  private async reload(): Promise<void> {
    const text = await this.readText();
    if (text === undefined || text === this.lastText || text === this.rejectedText) return;
    const parsed = this.parse(text);
    if (!parsed) return;
    this.adopt(parsed, text);
  }

  private adopt(next: LiveState, text: string): void {
    const before = this.state;
    this.state = next;
    this.lastText = text;
    const changed = changedKeys(before, next);
    if (changed.length > 0) this.listeners.emit(next, changed);
  }

  private parse(text: string): LiveState | undefined {
    let value: unknown;
    let problem: string | undefined;
    try {
      value = JSON.parse(text);
      problem = liveStateProblem(value);
    } catch (error) {
      problem = (error as Error).message;
    }
    if (problem === undefined) return value as LiveState;
    if (text !== this.rejectedText) {
      this.rejectedText = text;
      this.logError(`aiflags: ${this.statePath}: rejected (${problem}); keeping the last good live state (version ${this.state.version})`);
    }
    return undefined;
  }

  private async readText(): Promise<string | undefined> {
    try {
      return await readFile(this.statePath, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      this.logError(`aiflags: ${this.statePath}: ${(error as Error).message}`);
      return undefined;
    }
  }

  private write(change: (state: LiveState) => AppliedChange): Promise<LiveState> {
    // Writers inside one process queue here; writers in other processes wait on the lock file.
    const run = this.queue.then(() => this.lockedWrite(change));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async lockedWrite(change: (state: LiveState) => AppliedChange): Promise<LiveState> {
    await mkdir(this.dir, { recursive: true });
    return withFileLock(
      this.lockPath,
      async () => {
        // Read the newest state under the lock, not the cached one: another process may have just written.
        const text = await this.readText();
        const base = (text !== undefined && this.parse(text)) || this.state;
        const applied = change(base);
        const nextText = `${JSON.stringify(applied.state, null, 2)}\n`;
        await this.atomicWrite(nextText);
        await this.audit.append(applied.audit);
        if (text !== undefined && base !== this.state) this.adopt(base, text);
        this.adopt(applied.state, nextText);
        return applied.state;
      },
      this.options.lock,
    );
  }

  private async atomicWrite(text: string): Promise<void> {
    const temp = join(this.dir, `.state.json.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await rename(temp, this.statePath);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw error;
    }
  }
}
