import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withFileLock } from '../src/index.js';

const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);

/** A pid that surely belongs to no process: a child that has already exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

/** Starts a process that takes the lock and holds it until killed; resolves once it holds it. */
async function startHolder(lockPath: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', fixture('lock-holder.ts'), lockPath], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('locked') && resolve());
    child.on('exit', (code) => reject(new Error(`lock holder exited ${code}`)));
  });
  return child;
}

describe('withFileLock', () => {
  let dir: string;
  let lockPath: string;
  const warnings: string[] = [];
  const warn = (m: string) => warnings.push(m);

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aiflags-lock-'));
    lockPath = join(dir, 'state.lock');
    warnings.length = 0;
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('6 writers breaking the same planted stale lock lose none of 150 increments, over 25 rounds', { timeout: 60_000 }, async () => {
    const pid = await deadPid();
    const lost: number[] = [];
    for (let round = 0; round < 25; round++) {
      const counter = join(dir, `counter-${round}`);
      await writeFile(counter, '0');
      await writeFile(lockPath, JSON.stringify({ pid, at: new Date().toISOString() }));
      const increment = () =>
        withFileLock(
          lockPath,
          async () => {
            const n = Number(await readFile(counter, 'utf8'));
            await new Promise((r) => setImmediate(r));
            await writeFile(counter, String(n + 1));
          },
          { warn },
        );
      await Promise.all(
        Array.from({ length: 6 }, async () => {
          for (let i = 0; i < 25; i++) await increment();
        }),
      );
      lost.push(150 - Number(await readFile(counter, 'utf8')));
    }
    expect(lost).toEqual(Array(25).fill(0));
    // One break per planted lock, reported with the file and the dead pid.
    expect(warnings).toHaveLength(25);
    expect(warnings[0]).toContain(lockPath);
    expect(warnings[0]).toContain(`pid ${pid}`);
    expect((await readdir(dir)).filter((n) => !n.startsWith('counter-'))).toEqual([]);
  });

  it('a lock left by a SIGKILLed holder is broken at once (not after 10 s) and reported', { timeout: 30_000 }, async () => {
    const holder = await startHolder(lockPath);
    holder.kill('SIGKILL');
    await new Promise((resolve) => holder.on('exit', resolve));
    const start = performance.now();
    await withFileLock(lockPath, async () => undefined, { warn });
    expect(performance.now() - start).toBeLessThan(1000);
    expect(warnings).toEqual([expect.stringContaining(`pid ${holder.pid}, which is no longer running`)]);
    expect(await readdir(dir)).toEqual([]);
  });

  it('waits for a live holder in another process, and names it when giving up', { timeout: 30_000 }, async () => {
    const holder = await startHolder(lockPath);
    try {
      await expect(withFileLock(lockPath, async () => undefined, { timeoutMs: 300, warn })).rejects.toMatchObject({
        code: 'LOCK_TIMEOUT',
        message: expect.stringContaining(`held by pid ${holder.pid}`),
      });
      expect(warnings).toEqual([]);
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it.each([
    ['an empty lock file', () => ''],
    ['a garbage lock file', () => 'not json'],
    ['a lock naming a live pid that is not its holder (pid reused)', () => JSON.stringify({ pid: process.ppid, at: new Date().toISOString() })],
    ['a lock naming this process that it does not hold', () => JSON.stringify({ pid: process.pid, token: 'left-over', at: new Date().toISOString() })],
  ])('%s is broken at once and reported', async (_name, content) => {
    await writeFile(lockPath, content());
    // Older than the half-second grace a holder has to write its content.
    const past = new Date(Date.now() - 2000);
    await utimes(lockPath, past, past);
    const start = performance.now();
    await withFileLock(lockPath, async () => undefined, { warn });
    expect(performance.now() - start).toBeLessThan(1000);
    expect(warnings).toEqual([expect.stringContaining(lockPath)]);
    expect(await readdir(dir)).toEqual([]);
  });
});
