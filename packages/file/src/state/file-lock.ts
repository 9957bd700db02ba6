import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type FileHandle, open, readFile, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { LockTimeoutError } from './live-state-error.js';

export interface FileLockOptions {
  /**
   * A lock from another host (whose pid cannot be checked) older than this (ms) is taken to be left by a
   * crashed process and broken. Default 10 000.
   */
  staleMs?: number;
  /** Give up acquiring after this many ms. Default 15 000. */
  timeoutMs?: number;
  /** An empty or unreadable lock file older than this (ms) is broken: a holder writes its content right after creating it. Default 500. */
  graceMs?: number;
  /** Where a broken stale lock is reported. Default console.warn. */
  warn?: (message: string) => void;
}

/** What a holder writes into the lock file. */
interface LockHolder {
  pid: number;
  host: string;
  /** Unique per acquisition: tells this holder's lock from any other, even one with the same pid. */
  token: string;
  /** The holder process's start time (Linux /proc starttime), so a reused pid is not taken for the holder. */
  start?: string;
  at: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const HOST = hostname();
const START = processStart(process.pid);
/**
 * Tokens of the locks this process holds now: a lock naming our own pid but none of these is left over.
 * Kept on globalThis so two copies of this module in one process (bundles) still know each other's locks.
 */
const heldHere: Set<string> = ((globalThis as Record<symbol, unknown>)[Symbol.for('aiflags.file-lock.held')] ??= new Set<string>()) as Set<string>;

/**
 * A lock between processes (and between writers inside one): a file created with O_EXCL, so exactly one
 * creator wins. Holders keep it for milliseconds (one read-modify-write). A lock whose holder is gone
 * (dead pid, or a pid reused by another process) is broken at once and reported; breaking happens under
 * a second O_EXCL "breaker" lock and re-checks the content, so it can never remove a lock another
 * process has just taken.
 */
export async function withFileLock<T>(lockPath: string, fn: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const deadline = Date.now() + timeoutMs;
  const token = randomUUID();
  const mine: LockHolder = { pid: process.pid, host: HOST, token, ...(START !== undefined ? { start: START } : {}), at: '' };
  heldHere.add(token);
  try {
    for (;;) {
      mine.at = new Date().toISOString();
      if (await tryCreate(lockPath, mine)) break;
      const seen = await readLock(lockPath);
      if (seen !== undefined) {
        const stale = staleReason(seen, options);
        if (stale !== undefined) {
          await breakLock(lockPath, seen.text, stale, options);
          continue;
        }
      }
      if (Date.now() > deadline) {
        throw new LockTimeoutError(lockPath, `aiflags: could not lock ${lockPath} within ${timeoutMs} ms: held by ${describeHolder(seen)}`);
      }
      await sleep(2 + Math.random() * 8);
    }
    try {
      return await fn();
    } finally {
      await release(lockPath, token);
    }
  } finally {
    heldHere.delete(token);
  }
}

async function tryCreate(path: string, holder: LockHolder): Promise<boolean> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(JSON.stringify(holder));
  } finally {
    await handle.close();
  }
  return true;
}

/** Removes the lock only when it is still ours: a lock broken from under a slow holder belongs to someone else now. */
async function release(lockPath: string, token: string): Promise<void> {
  const seen = await readLock(lockPath);
  if (seen?.holder?.token === token) await unlink(lockPath).catch(() => undefined);
}

interface SeenLock {
  text: string;
  holder: LockHolder | undefined;
  ageMs: number;
}

async function readLock(path: string): Promise<SeenLock | undefined> {
  try {
    const [text, info] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    return { text, holder: parseHolder(text), ageMs: Date.now() - info.mtimeMs };
  } catch {
    return undefined; // released between our attempt and the read: just try again
  }
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    if (typeof value.pid !== 'number' || !Number.isInteger(value.pid) || value.pid <= 0) return undefined;
    return value as LockHolder;
  } catch {
    return undefined;
  }
}

/** Why the lock is stale (its holder is gone), or undefined while the holder may still be working. */
function staleReason(seen: SeenLock, options: FileLockOptions): string | undefined {
  const { holder } = seen;
  if (holder === undefined) {
    // Between a holder's create and its write the file is briefly empty; past the grace it is debris.
    return seen.ageMs > (options.graceMs ?? 500) ? `an ${seen.text.trim() ? 'unreadable' : 'empty'} lock file, ${Math.round(seen.ageMs)} ms old` : undefined;
  }
  const staleMs = options.staleMs ?? 10_000;
  const byAge =
    seen.ageMs > staleMs ? `pid ${holder.pid}${holder.host ? ` on host ${holder.host}` : ''}, not released for ${Math.round(seen.ageMs)} ms` : undefined;
  // Another host's pid cannot be checked from here: only age tells.
  if (holder.host !== undefined && holder.host !== HOST) return byAge;
  if (holder.pid === process.pid) {
    if (typeof holder.token === 'string' && heldHere.has(holder.token)) return undefined;
    return `pid ${holder.pid} (this process, which does not hold it: left by an earlier process with the same pid)`;
  }
  if (!isAlive(holder.pid)) return `pid ${holder.pid}, which is no longer running`;
  const start = processStart(holder.pid);
  // Without /proc a live pid may be the holder or a stranger that reused it: only age tells.
  if (start === undefined) return byAge;
  // Every holder on a host with /proc records its start time; none, or another one, means the pid was reused.
  if (holder.start !== start) return `pid ${holder.pid}, now a different process (the holder exited and its pid was reused)`;
  return undefined;
}

/**
 * Breaks a stale lock under a breaker lock: of several processes that judged the same content stale,
 * the first removes it and the others find it changed (gone, or a new live holder) and leave it.
 */
async function breakLock(lockPath: string, staleText: string, reason: string, options: FileLockOptions): Promise<void> {
  const breaker = `${lockPath}.break`;
  const mine: LockHolder = { pid: process.pid, host: HOST, token: randomUUID(), at: new Date().toISOString() };
  if (START !== undefined) mine.start = START;
  if (!(await tryCreate(breaker, mine))) {
    // Another process is breaking it right now (held for microseconds); a breaker left by a crash is removed.
    const seen = await readLock(breaker);
    if (seen !== undefined && (seen.ageMs > 2000 || (seen.holder !== undefined && seen.holder.host === HOST && !isAlive(seen.holder.pid)))) {
      await unlink(breaker).catch(() => undefined);
    }
    return;
  }
  heldHere.add(mine.token);
  try {
    const now = await readLock(lockPath);
    if (now === undefined || now.text !== staleText) return;
    await unlink(lockPath);
    (options.warn ?? ((message) => console.warn(message)))(`aiflags: ${lockPath}: broke a stale lock held by ${reason}`);
  } finally {
    heldHere.delete(mine.token);
    await unlink(breaker).catch(() => undefined);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** The start time of a process in clock ticks since boot (Linux), or undefined where /proc is not there. */
function processStart(pid: number): string | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
    return text.slice(text.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function describeHolder(seen: SeenLock | undefined): string {
  if (seen?.holder === undefined) return 'another process';
  const { pid, host, at } = seen.holder;
  return `pid ${pid}${host ? ` on ${host}` : ''}${at ? ` since ${at}` : ''}`;
}
