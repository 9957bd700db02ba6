/**
 * Kill-switch propagation across 20 processes on loopback Redis: time from the flip (the operator's
 * `setKillSwitch` call) to the moment each process has applied it (its onChange listener ran), p50 and
 * p99 over every (flip, process) pair. Goal: p99 under 10 ms.
 *
 *   node --import tsx --conditions=source bench/src/redis-propagation.ts [--quick]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createRedisClient, RedisStateStore, redisKeys } from '@aiflags/redis';
import type { BenchOptions, BenchRow } from './report.js';

const PROCESSES = 20;
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const instanceScript = fileURLToPath(new URL('../../packages/testing/fixtures/redis-instance.ts', import.meta.url));
const now = (): number => performance.timeOrigin + performance.now();

/** One app process; records when it applied each state version. */
class Instance {
  readonly applied = new Map<number, number>();
  ready = false;
  private wake: (() => void) | undefined;

  constructor(readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let m: { type?: string; version?: number; at?: number };
      try {
        m = JSON.parse(line) as typeof m;
      } catch {
        return;
      }
      if (m.type === 'ready') this.ready = true;
      if (m.type === 'change' && m.version !== undefined && m.at !== undefined) this.applied.set(m.version, m.at);
      this.wake?.();
    });
  }

  async until(check: () => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline || this.child.exitCode !== null) throw new Error(`bench instance ${this.child.pid} stalled`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 100);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

/** Runs the propagation bench; `quick` does 10 flips instead of 100. */
export async function run(options: BenchOptions = { quick: false }): Promise<BenchRow[]> {
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = `aiflags-bench:${randomUUID().slice(0, 8)}`;
  const flips = options.quick ? 10 : 100;
  const instances = Array.from(
    { length: PROCESSES },
    () =>
      new Instance(
        spawn(process.execPath, ['--import', 'tsx', '--conditions=source', instanceScript], {
          cwd: repoRoot,
          env: { ...process.env, REDIS_URL: url, AIFLAGS_PREFIX: prefix },
          stdio: ['pipe', 'pipe', 'inherit'],
        }),
      ),
  );
  const operator = new RedisStateStore({ url, prefix, versionCheckIntervalMs: 0 });
  const delays: number[] = [];
  try {
    await Promise.all(instances.map((i) => i.until(() => i.ready, 300_000)));
    await operator.start();
    // Let the children finish warming up (JIT, first script load) before measuring.
    for (let i = 0; i < 3; i++) await operator.setKillSwitch('bench-switch', i % 2 === 0, { actor: 'bench' });
    await Promise.all(instances.map((i) => i.until(() => i.applied.has(3), 30_000)));
    for (let flip = 0; flip < flips; flip++) {
      const flippedAt = now();
      const { version } = await operator.setKillSwitch('bench-switch', flip % 2 === 0, { actor: 'bench' });
      await Promise.all(instances.map((i) => i.until(() => i.applied.has(version), 30_000)));
      for (const i of instances) delays.push(i.applied.get(version)! - flippedAt);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    await operator.close();
    for (const i of instances) i.child.stdin!.end('exit\n');
    await Promise.all(instances.map((i) => (i.child.exitCode !== null ? undefined : new Promise((r) => i.child.once('exit', r)))));
    const cleanup = createRedisClient(url);
    await cleanup.del(redisKeys(prefix).state, redisKeys(prefix).audit).catch(() => undefined);
    cleanup.disconnect();
  }
  delays.sort((a, b) => a - b);
  const p50 = quantile(delays, 0.5);
  const p99 = quantile(delays, 0.99);
  const load = `load avg ${loadavg()[0]!.toFixed(1)}`;
  const samples = `${flips} flips × ${PROCESSES} processes = ${delays.length} arrivals`;
  const rows: BenchRow[] = [
    { suite: 'redis-kill-switch', name: `flip → applied p50 (${PROCESSES} processes)`, value: round(p50), unit: 'ms', note: samples },
    {
      suite: 'redis-kill-switch',
      name: `flip → applied p99 (${PROCESSES} processes)`,
      value: round(p99),
      unit: 'ms',
      note: `goal < 10 ms: ${p99 < 10 ? 'met' : 'missed'}; ${load}`,
    },
    { suite: 'redis-kill-switch', name: `flip → applied max (${PROCESSES} processes)`, value: round(delays.at(-1)!), unit: 'ms', note: load },
  ];
  const bare = await bareSubscribers(url, flips);
  rows.push(
    {
      suite: 'redis-kill-switch',
      name: `floor: bare subscriber p50 (${PROCESSES} processes)`,
      value: round(quantile(bare, 0.5)),
      unit: 'ms',
      note: 'ioredis SUBSCRIBE that only stamps the arrival: the machine, not aiflags',
    },
    {
      suite: 'redis-kill-switch',
      name: `floor: bare subscriber p99 (${PROCESSES} processes)`,
      value: round(quantile(bare, 0.99)),
      unit: 'ms',
      note: `load avg ${loadavg()[0]!.toFixed(1)}`,
    },
  );
  const local = await inProcess(url, options.quick ? 50 : 500);
  rows.push(
    {
      suite: 'redis-kill-switch',
      name: 'flip → applied p50 (same process)',
      value: round(quantile(local, 0.5)),
      unit: 'ms',
      note: `${local.length} flips; the code path without cross-process wake-ups`,
    },
    {
      suite: 'redis-kill-switch',
      name: 'flip → applied p99 (same process)',
      value: round(quantile(local, 0.99)),
      unit: 'ms',
      note: `load avg ${loadavg()[0]!.toFixed(1)}`,
    },
  );
  return rows;
}

/**
 * The same flip → applied path inside one process (two stores, two connections): Redis, pub/sub and the
 * apply step without the scheduling delay of waking 20 other processes, to tell code cost from machine load.
 */
async function inProcess(url: string, flips: number): Promise<number[]> {
  const prefix = `aiflags-bench:${randomUUID().slice(0, 8)}`;
  const writer = new RedisStateStore({ url, prefix, versionCheckIntervalMs: 0 });
  const reader = new RedisStateStore({ url, prefix, versionCheckIntervalMs: 0 });
  const delays: number[] = [];
  try {
    await writer.start();
    await reader.start();
    let flippedAt = 0;
    let applied: () => void = () => undefined;
    reader.onChange(() => {
      delays.push(now() - flippedAt);
      applied();
    });
    for (let flip = 0; flip < flips + 3; flip++) {
      const arrived = new Promise<void>((resolve) => (applied = resolve));
      flippedAt = now();
      await writer.setKillSwitch('bench-switch', flip % 2 === 0, { actor: 'bench' });
      await arrived;
    }
  } finally {
    await writer.close();
    await reader.close();
    const cleanup = createRedisClient(url);
    await cleanup.del(redisKeys(prefix).state, redisKeys(prefix).audit).catch(() => undefined);
    cleanup.disconnect();
  }
  return delays.slice(3).sort((a, b) => a - b);
}

/** The child of `bareSubscribers`: subscribes, stamps each message's arrival on stdout, exits on stdin. */
const BARE_SUBSCRIBER = `
import Redis from 'ioredis';
const sub = new Redis(process.env.REDIS_URL);
await sub.subscribe(process.env.CHANNEL);
sub.on('message', (_c, text) => process.stdout.write(JSON.stringify({ type: 'change', version: Number(text), at: performance.timeOrigin + performance.now() }) + '\\n'));
process.stdout.write('{"type":"ready"}\\n');
process.stdin.on('data', () => process.exit(0));
`;

/**
 * The floor under the 20-process figure: the same fan-out to processes that do nothing but stamp a
 * pub/sub message's arrival. What it shows is the machine's scheduling of that many processes.
 */
async function bareSubscribers(url: string, flips: number): Promise<number[]> {
  const channel = `aiflags-bench-floor:${randomUUID().slice(0, 8)}`;
  const instances = Array.from(
    { length: PROCESSES },
    () =>
      new Instance(
        spawn(process.execPath, ['--input-type=module', '-e', BARE_SUBSCRIBER], {
          cwd: repoRoot,
          env: { ...process.env, REDIS_URL: url, CHANNEL: channel },
          stdio: ['pipe', 'pipe', 'inherit'],
        }),
      ),
  );
  const pub = createRedisClient(url);
  const delays: number[] = [];
  try {
    await Promise.all(instances.map((i) => i.until(() => i.ready, 60_000)));
    for (let flip = 0; flip < flips + 3; flip++) {
      const sentAt = now();
      await pub.publish(channel, String(flip));
      await Promise.all(instances.map((i) => i.until(() => i.applied.has(flip), 30_000)));
      if (flip >= 3) for (const i of instances) delays.push(i.applied.get(flip)! - sentAt);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    for (const i of instances) i.child.stdin!.end('exit\n');
    await Promise.all(instances.map((i) => (i.child.exitCode !== null ? undefined : new Promise((r) => i.child.once('exit', r)))));
    pub.disconnect();
  }
  return delays.sort((a, b) => a - b);
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rows = await run({ quick: process.argv.includes('--quick') });
  for (const r of rows) console.log(`${r.name.padEnd(44)} ${String(r.value).padStart(9)} ${r.unit}  ${r.note ?? ''}`);
  process.exit(0);
}
