import { open, readFile, rename, stat, unlink } from 'node:fs/promises';

export interface FileLockOptions {
  /** A lock older than this (ms) is taken to be left by a crashed process and broken. */
  staleMs?: number;
  /** Give up acquiring after this many ms. */
  timeoutMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A lock between processes: a file created with O_EXCL, so exactly one creator wins. Holders keep it for
 * milliseconds (one read-modify-write), so a lock that is old, or whose process is gone, is broken.
 */
export async function withFileLock<T>(lockPath: string, fn: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const staleMs = options.staleMs ?? 10_000;
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  for (;;) {
    try {
      const handle = await open(lockPath, 'wx');
      try {
        await handle.writeFile(JSON.stringify({ pid: process.pid, at: new Date().toISOString() }));
      } finally {
        await handle.close();
      }
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (await isStale(lockPath, staleMs)) {
      // Renaming is atomic: of two processes breaking the same stale lock, only one moves it.
      const aside = `${lockPath}.stale-${process.pid}-${Date.now()}`;
      await rename(lockPath, aside).then(() => unlink(aside), () => undefined);
      continue;
    }
    if (Date.now() > deadline) throw new Error(`could not lock ${lockPath}: held by another process for too long`);
    await sleep(2 + Math.random() * 8);
  }
  try {
    return await fn();
  } finally {
    await unlink(lockPath).catch(() => undefined);
  }
}

async function isStale(lockPath: string, staleMs: number): Promise<boolean> {
  try {
    const info = await stat(lockPath);
    if (Date.now() - info.mtimeMs > staleMs) return true;
    const holder = JSON.parse(await readFile(lockPath, 'utf8')) as { pid?: unknown };
    if (typeof holder.pid === 'number' && holder.pid !== process.pid) {
      try {
        process.kill(holder.pid, 0);
      } catch (error) {
        return (error as NodeJS.ErrnoException).code === 'ESRCH';
      }
    }
    return false;
  } catch {
    // Gone already, or caught half-written: retry rather than break it.
    return false;
  }
}
