import { randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { copyFile, mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import {
  applyFlagOverride,
  applyKillSwitch,
  changedKeys,
  checkLiveState,
  emptyLiveState,
  type AppliedChange,
  type AuditEntry,
  type ChangeMeta,
  type FlagOverride,
  type LiveState,
  type LiveStateRead,
  type StateStore,
  LiveStateCache,
} from '@aiflags/core';
import { osUser } from './os-user.js';
import { stateFromAudit } from './audit-replay.js';
import { FileWatcher } from '../watch/file-watcher.js';
import { aiflagsLayout } from '../layout.js';
import { FileAuditLog } from './file-audit-log.js';
import { withFileLock, type FileLockOptions } from './file-lock.js';
import { AuditWriteError, StateCommitError, StateUnreadableError } from './live-state-error.js';

export interface FileStateStoreOptions {
  /** Polling interval in ms behind fs.watch; other processes' changes arrive within this much. Default 250. */
  pollMs?: number;
  lock?: FileLockOptions;
  /** Where rejected state files are reported. Default console.error. */
  logError?: (message: string) => void;
}

/** What `repair()` did: where the state came from, and the state now in `state.json`. */
export interface StateRepair {
  /** `none`: state.json was readable, nothing was written. */
  source: 'none' | 'last-good' | 'audit-log';
  state: LiveState;
  /** Where the unreadable state.json was kept, when there was one. */
  keptAs?: string;
}

/** The command that repairs an unreadable state file; named in every refusal. */
export const REPAIR_COMMAND = 'aiflags state repair';

/**
 * The embedded default live state: `state.json` in a directory (`.aiflags/` beside the flag file),
 * shared by every process on the machine. Writes are read-modify-write under a lock file and land by
 * atomic rename, so readers never see half a file and concurrent writers never lose an update. Each
 * write appends its audit entry before the state lands (a change and its entry go together or not at
 * all) and keeps a copy of the state it wrote in `state.last-good.json`: a write that finds `state.json`
 * unreadable refuses to replace it, and `repair()` restores it from that copy or the audit log.
 */
export class FileStateStore extends LiveStateCache implements StateStore {
  readonly audit: FileAuditLog;
  readonly statePath: string;
  /** A copy of the last state a write committed, for `repair()`. */
  readonly lastGoodPath: string;
  private readonly lockPath: string;
  private lastText: string | undefined;
  private rejectedText: string | undefined;
  private watcher: FileWatcher | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly logError: (message: string) => void;

  constructor(
    readonly dir: string,
    private readonly options: FileStateStoreOptions = {},
  ) {
    super();
    const layout = aiflagsLayout(dir);
    this.statePath = layout.state;
    this.lastGoodPath = layout.lastGood;
    this.lockPath = layout.lock;
    this.audit = new FileAuditLog(layout.audit);
    this.logError = options.logError ?? ((message) => console.error(message));
  }

  async start(): Promise<LiveState> {
    await mkdir(this.dir, { recursive: true });
    await this.reload();
    if (!this.watcher) {
      this.watcher = new FileWatcher(this.statePath, () => void this.reload(), {
        pollMs: this.options.pollMs ?? 250,
        // state.json only ever lands by atomic rename (one event, never a half-written file): nothing to wait out.
        debounceMs: 1,
        settleMs: 0,
      });
      await this.watcher.start();
    }
    return this.state;
  }

  /** Reads `state.json` once, without watching it (what `aiflags eval --live` needs); a rejected file leaves the last good state. */
  async read(): Promise<LiveState> {
    await this.reload();
    return this.state;
  }

  async setKillSwitch(name: string, killed: boolean, meta: ChangeMeta & { retryAfter?: number } = {}): Promise<LiveState> {
    return this.write((state) => applyKillSwitch(state, name, killed, { ...meta, actor: meta.actor ?? osUser() }));
  }

  async setFlagOverride(flagKey: string, override: FlagOverride | null, meta: ChangeMeta = {}): Promise<LiveState> {
    return this.write((state) => applyFlagOverride(state, flagKey, override, { ...meta, actor: meta.actor ?? osUser() }));
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
    const read = readState(text);
    if (read.ok) return read.value;
    const problem = read.problem;
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
        await this.sweepTempFiles();
        // Read the newest state under the lock, not the cached one: another process may have just written.
        const text = await this.readText();
        const base = text === undefined ? this.state : await this.trustedBase(text);
        const applied = change(base);
        const nextText = `${JSON.stringify(applied.state, null, 2)}\n`;
        await this.commit(applied, nextText);
        if (text !== undefined && base !== this.state) this.adopt(base, text);
        this.adopt(applied.state, nextText);
        return applied.state;
      },
      this.options.lock,
    );
  }

  /**
   * The state a write may build on. An unreadable state.json is written over only when this store has
   * seen the same state as the last good copy, so nothing it does not know is lost; otherwise refused.
   */
  private async trustedBase(text: string): Promise<LiveState> {
    const parsed = this.parse(text);
    if (parsed) return parsed;
    const lastGood = await this.readLastGood();
    if (lastGood !== undefined && isDeepStrictEqual(lastGood, this.state)) {
      const keptAs = await this.keepRejected();
      this.logError(
        `aiflags: ${this.statePath}: unreadable; writing over it from the last good state (version ${this.state.version}) this process shares with ${this.lastGoodPath}; the unreadable file is kept as ${keptAs}`,
      );
      return this.state;
    }
    throw new StateUnreadableError(
      this.statePath,
      `aiflags: ${this.statePath} is unreadable (${this.problemOf(text)}); refusing to write over it, nothing was changed. ` +
        `Run '${REPAIR_COMMAND}' to restore it from ${lastGood !== undefined ? `the last good copy ${this.lastGoodPath} (version ${lastGood.version})` : `the audit log ${this.audit.path}`}, then retry`,
    );
  }

  /**
   * Writes the audit entry and the state together: the state goes to a synced temp file, the entry is
   * appended, then the temp file is renamed over state.json. If the entry cannot be appended nothing
   * changed; if the rename fails a `revert-failed-write` entry cancels the first one.
   */
  private async commit(applied: AppliedChange, nextText: string): Promise<void> {
    const temp = await this.writeTemp('state.json', nextText);
    let entry: AuditEntry;
    try {
      entry = await this.audit.append(applied.audit);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw new AuditWriteError(
        this.audit.path,
        `aiflags: ${this.audit.path}: cannot append the audit entry (${(error as Error).message}); the change to '${applied.audit.target}' was NOT applied (${this.statePath} unchanged)`,
        { cause: error },
      );
    }
    try {
      await rename(temp, this.statePath);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      const revert = await this.audit
        .append({
          ...applied.audit,
          action: 'revert-failed-write',
          before: applied.audit.after,
          after: applied.audit.before,
          reason: `state write failed: ${(error as Error).message}`,
        })
        .then(
          () => `the audit entry ${entry.id} is cancelled by a 'revert-failed-write' entry`,
          () => `the audit entry ${entry.id} records a change that did not happen`,
        );
      throw new StateCommitError(
        this.statePath,
        `aiflags: ${this.statePath}: cannot write the state (${(error as Error).message}); the change to '${applied.audit.target}' was NOT applied; ${revert}`,
        { cause: error },
      );
    }
    // The change is committed with its entry; a missing copy only weakens a later repair, so it is reported, not thrown.
    try {
      await rename(await this.writeTemp('state.last-good.json', nextText), this.lastGoodPath);
    } catch (error) {
      this.logError(`aiflags: ${this.lastGoodPath}: cannot keep the last good copy (${(error as Error).message})`);
    }
  }

  /**
   * Makes state.json readable again (under the lock): from the last good copy, else by replaying the
   * audit log. The unreadable file is kept beside it, and the repair is audited.
   */
  async repair(options: { from?: 'last-good' | 'audit-log'; actor?: string } = {}): Promise<StateRepair> {
    await mkdir(this.dir, { recursive: true });
    return withFileLock(
      this.lockPath,
      async () => {
        await this.sweepTempFiles();
        const text = await this.readText();
        const parsed = text === undefined ? emptyLiveState() : this.parse(text);
        if (parsed && options.from === undefined) return { source: 'none' as const, state: parsed };
        const lastGood = options.from === 'audit-log' ? undefined : await this.readLastGood();
        if (options.from === 'last-good' && lastGood === undefined) {
          throw new StateUnreadableError(
            this.lastGoodPath,
            `aiflags: ${this.lastGoodPath}: no readable last good copy; try '${REPAIR_COMMAND} --from audit-log'`,
          );
        }
        const source = lastGood !== undefined ? ('last-good' as const) : ('audit-log' as const);
        const restored = lastGood ?? stateFromAudit((await this.audit.list()).reverse());
        // Past every version a process may have adopted, so the repaired file is newer than anything seen.
        const state: LiveState = { ...restored, version: Math.max(restored.version, parsed?.version ?? 0, this.state.version) + 1 };
        const keptAs = text !== undefined && !parsed ? await this.keepRejected() : undefined;
        const nextText = `${JSON.stringify(state, null, 2)}\n`;
        await this.commit(
          {
            state,
            changed: [],
            audit: {
              actor: options.actor ?? osUser(),
              action: 'repair',
              target: '*',
              before: null,
              after: { version: state.version, source },
              reason: source === 'last-good' ? `restored from ${this.lastGoodPath}` : `rebuilt from ${this.audit.path}`,
            },
          },
          nextText,
        );
        this.adopt(state, nextText);
        return { source, state, ...(keptAs !== undefined ? { keptAs } : {}) };
      },
      this.options.lock,
    );
  }

  private async readLastGood(): Promise<LiveState | undefined> {
    let text: string;
    try {
      text = await readFile(this.lastGoodPath, 'utf8');
    } catch {
      return undefined;
    }
    const read = readState(text);
    return read.ok ? read.value : undefined;
  }

  /** Copies an unreadable state.json aside before it is replaced: it may hold a change someone meant to make. */
  private async keepRejected(): Promise<string> {
    const keptAs = `${this.statePath}.rejected-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    await copyFile(this.statePath, keptAs).catch(() => undefined);
    return keptAs;
  }

  private problemOf(text: string): string {
    const read = readState(text);
    return read.ok ? 'unknown problem' : read.problem;
  }

  /** Temp files of a writer killed mid-write; every write happens under the lock, so any found under it is debris. */
  private async sweepTempFiles(): Promise<void> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    await Promise.all(names.filter((n) => /^\.state(\.last-good)?\.json\..*\.tmp$/.test(n)).map((n) => unlink(join(this.dir, n)).catch(() => undefined)));
  }

  private async writeTemp(name: string, text: string): Promise<string> {
    const temp = join(this.dir, `.${name}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(text);
      await handle.sync();
    } catch (error) {
      await handle.close();
      await unlink(temp).catch(() => undefined);
      throw error;
    }
    await handle.close();
    return temp;
  }
}

/** Parses and checks a state file's text with core's schema; a JSON error keeps the parser's own message. */
function readState(text: string): LiveStateRead<LiveState> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, problem: (error as Error).message };
  }
  return checkLiveState(value);
}
