/**
 * Confirmed delivery of `aiflags kill`, as the CLI sees it: from the flip (the write's start) to the last
 * confirmation of every running instance (test/support/flag-app.ts, createProvider() as an app runs it).
 *
 * - Redis, 20 processes: p50/p99 to the last confirmation, beside two floors measured in the same run with
 *   20 bare ioredis subscribers: one way (publish → last arrival) and round trip (publish → every
 *   subscriber published an ack → last ack heard), the path a confirmation takes. Goal: p99 ≤ 2× the floor.
 * - File store, 20 processes: flip → applied in each process (its CONFIGURATION_CHANGED) p50/p99, and
 *   flip → last confirmation. Goal: applied p99 < 50 ms.
 *
 *   node --import tsx --conditions=source bench/src/kill-delivery.ts [--quick]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { resolveRuntime, type Runtime } from 'aiflags';
import { watchDelivery } from '@aiflags/provider';
import { createRedisClient, redisKeys } from '@aiflags/redis';
import type { BenchOptions, BenchRow } from './report.js';

const PROCESSES = 20;
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const appScript = fileURLToPath(new URL('../../test/support/flag-app.ts', import.meta.url));
const FLAGS =
  'flags:\n  chat-model:\n    variants: { control: gpt-4o, treatment: gpt-4o-mini }\n    defaultVariant: control\nkillSwitches:\n  bench-switch: {}\n';
const now = (): number => performance.timeOrigin + performance.now();

/** A child process writing JSON lines; keeps the times (epoch ms) of its `change` lines. */
class Child {
  readonly changes: number[] = [];
  ready = false;
  private wake: (() => void) | undefined;

  constructor(readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let m: { type?: string; at?: number; flip?: number };
      try {
        m = JSON.parse(line) as typeof m;
      } catch {
        return;
      }
      if (m.type === 'ready') this.ready = true;
      if (m.type === 'change' && m.at !== undefined) this.changes.push(m.at);
      this.wake?.();
    });
  }

  async until(check: () => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline || this.child.exitCode !== null) throw new Error(`bench process ${this.child.pid} stalled`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 100);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.stdin!.end('exit\n');
    await exited;
  }
}

function startApps(env: Record<string, string>): Child[] {
  return Array.from(
    { length: PROCESSES },
    (_, i) =>
      new Child(
        spawn(process.execPath, ['--import', 'tsx', '--conditions=source', appScript], {
          cwd: repoRoot,
          env: { ...process.env, AIFLAGS_APP_NAME: `bench-${i}`, HEARTBEAT_MS: '5000', ...env },
          stdio: ['pipe', 'pipe', 'inherit'],
        }),
      ),
  );
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

const sort = (xs: number[]) => [...xs].sort((a, b) => a - b);

interface Flips {
  /** ms from the flip to the last confirmation, per flip. */
  confirmed: number[];
  /** ms from the flip to each process's CONFIGURATION_CHANGED, per (flip, process). */
  applied: number[];
  /** ms the write itself took (setKillSwitch: lock, fsync, audit entry, rename; or the Redis script). */
  write: number[];
}

/** Flips `bench-switch` `flips` times through the runtime, each time waiting for every confirmation as `aiflags kill` does. */
async function flipAndConfirm(runtime: Runtime, apps: Child[], flips: number, warmup = 3): Promise<Flips> {
  const out: Flips = { confirmed: [], applied: [], write: [] };
  for (let flip = 0; flip < flips + warmup; flip++) {
    const wait = await watchDelivery(runtime.presence);
    const seen = apps.map((a) => a.changes.length);
    const flippedAt = now();
    const started = performance.now();
    const state = await runtime.state.setKillSwitch('bench-switch', flip % 2 === 0, { actor: 'bench' });
    const wrote = performance.now() - started;
    const report = await wait.until(state.version, 10_000, started);
    if (report.total !== PROCESSES || report.missing.length > 0) throw new Error(`flip ${flip}: ${report.confirmed} of ${report.total} confirmed`);
    await Promise.all(apps.map((a, i) => a.until(() => a.changes.length > seen[i]!, 10_000)));
    if (flip >= warmup) {
      out.confirmed.push(report.slowestMs!);
      out.write.push(wrote);
      apps.forEach((a, i) => {
        out.applied.push(a.changes[seen[i]!]! - flippedAt);
      });
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return out;
}

/** The child of the floors: subscribes; stamps each message's arrival; with ACK set, publishes it back. */
const BARE_SUBSCRIBER = `
import Redis from 'ioredis';
const sub = new Redis(process.env.REDIS_URL);
const pub = new Redis(process.env.REDIS_URL);
await sub.subscribe(process.env.CHANNEL);
sub.on('message', (_c, text) => {
  process.stdout.write(JSON.stringify({ type: 'change', at: performance.timeOrigin + performance.now() }) + '\\n');
  void pub.publish(process.env.CHANNEL + ':ack', text + ':' + process.pid);
});
await pub.ping();
process.stdout.write('{"type":"ready"}\\n');
process.stdin.on('data', () => process.exit(0));
`;

/** One way (publish → each arrival) and round trip (publish → every ack heard back), `flips` times. */
async function floors(url: string, flips: number, warmup = 3): Promise<{ oneWay: number[]; lastArrival: number[]; roundTrip: number[] }> {
  const channel = `aiflags-bench-floor:${randomUUID().slice(0, 8)}`;
  const subs = Array.from(
    { length: PROCESSES },
    () =>
      new Child(
        spawn(process.execPath, ['--input-type=module', '-e', BARE_SUBSCRIBER], {
          cwd: repoRoot,
          env: { ...process.env, REDIS_URL: url, CHANNEL: channel },
          stdio: ['pipe', 'pipe', 'inherit'],
        }),
      ),
  );
  const pub = createRedisClient(url);
  const acks = createRedisClient(url);
  const out = { oneWay: [] as number[], lastArrival: [] as number[], roundTrip: [] as number[] };
  try {
    await Promise.all(subs.map((s) => s.until(() => s.ready, 60_000)));
    await acks.subscribe(`${channel}:ack`);
    let heard = 0;
    let allHeard: () => void = () => undefined;
    acks.on('message', () => {
      if (++heard === PROCESSES) allHeard();
    });
    for (let flip = 0; flip < flips + warmup; flip++) {
      heard = 0;
      const done = new Promise<void>((r) => (allHeard = r));
      const seen = subs.map((s) => s.changes.length);
      const sentAt = now();
      const started = performance.now();
      await pub.publish(channel, String(flip));
      await done;
      const rtt = performance.now() - started;
      await Promise.all(subs.map((s, i) => s.until(() => s.changes.length > seen[i]!, 10_000)));
      if (flip >= warmup) {
        out.roundTrip.push(rtt);
        const arrivals = subs.map((s, i) => s.changes[seen[i]!]! - sentAt);
        out.oneWay.push(...arrivals);
        out.lastArrival.push(Math.max(...arrivals));
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    await Promise.all(subs.map((s) => s.stop()));
    pub.disconnect();
    acks.disconnect();
  }
  return out;
}

/** Removes the keys the bench wrote under `prefix` (state, audit, presence). */
async function deleteKeys(url: string, prefix: string): Promise<void> {
  const keys = redisKeys(prefix);
  const client = createRedisClient(url);
  await client.del(keys.state, keys.audit, keys.instances).catch(() => undefined);
  client.disconnect();
}

/** Runs both benches; `quick` does 10 flips instead of 100. */
export async function run(options: BenchOptions = { quick: false }): Promise<BenchRow[]> {
  const url = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  const flips = options.quick ? 10 : 100;
  const dir = mkdtempSync(join(tmpdir(), 'aiflags-bench-delivery-'));
  const flags = join(dir, 'flags.yaml');
  writeFileSync(flags, FLAGS);
  const rows: BenchRow[] = [];
  const samples = `${flips} flips × ${PROCESSES} processes`;

  // Redis.
  const env = `bench-${randomUUID().slice(0, 8)}`;
  const prefix = `aiflags:${env}`;
  let redis: Flips;
  {
    const apps = startApps({ AIFLAGS_FLAGS: flags, REDIS_URL: url, AIFLAGS_ENV: env });
    const runtime = await resolveRuntime({ flags, redisUrl: url, redisPrefix: prefix });
    try {
      await Promise.all(apps.map((a) => a.until(() => a.ready, 300_000)));
      redis = await flipAndConfirm(runtime, apps, flips);
    } finally {
      await runtime.close();
      await Promise.all(apps.map((a) => a.stop()));
      await deleteKeys(url, prefix);
    }
  }
  const floor = await floors(url, flips);
  const confirmed = sort(redis.confirmed);
  const rtt = sort(floor.roundTrip);
  const oneWayLast = sort(floor.lastArrival);
  const load = () => `load avg ${loadavg()[0]!.toFixed(1)}`;
  const ratioRtt = quantile(confirmed, 0.99) / quantile(rtt, 0.99);
  const ratioOneWay = quantile(confirmed, 0.99) / quantile(oneWayLast, 0.99);
  rows.push(
    {
      suite: 'kill-delivery',
      name: `Redis: flip → last confirmation p50 (${PROCESSES} processes)`,
      value: round(quantile(confirmed, 0.5)),
      unit: 'ms',
      note: `${samples}; what aiflags kill waits for`,
    },
    {
      suite: 'kill-delivery',
      name: `Redis: flip → last confirmation p99 (${PROCESSES} processes)`,
      value: round(quantile(confirmed, 0.99)),
      unit: 'ms',
      note: load(),
    },
    {
      suite: 'kill-delivery',
      name: `Redis: flip → applied p50 (each process)`,
      value: round(quantile(sort(redis.applied), 0.5)),
      unit: 'ms',
      note: 'CONFIGURATION_CHANGED in the app',
    },
    { suite: 'kill-delivery', name: `Redis: flip → applied p99 (each process)`, value: round(quantile(sort(redis.applied), 0.99)), unit: 'ms', note: load() },
    {
      suite: 'kill-delivery',
      name: `Redis: the write itself p50 (part of every figure above)`,
      value: round(quantile(sort(redis.write), 0.5)),
      unit: 'ms',
      note: 'the change script: entry, version, audit entry, publish',
    },
    {
      suite: 'kill-delivery',
      name: `floor: bare pub/sub round trip p50 (${PROCESSES} subscribers ack)`,
      value: round(quantile(rtt, 0.5)),
      unit: 'ms',
      note: 'publish → 20 ioredis subscribers each publish an ack → last ack heard',
    },
    { suite: 'kill-delivery', name: `floor: bare pub/sub round trip p99`, value: round(quantile(rtt, 0.99)), unit: 'ms', note: load() },
    {
      suite: 'kill-delivery',
      name: `floor: bare pub/sub one way, last arrival p50`,
      value: round(quantile(oneWayLast, 0.5)),
      unit: 'ms',
      note: 'publish → the 20th subscriber stamps it',
    },
    { suite: 'kill-delivery', name: `floor: bare pub/sub one way, last arrival p99`, value: round(quantile(oneWayLast, 0.99)), unit: 'ms', note: load() },
    {
      suite: 'kill-delivery',
      name: 'ratio: confirmation p99 / round-trip floor p99',
      value: round(ratioRtt),
      unit: 'ratio',
      note: `goal ≤ 2: ${ratioRtt <= 2 ? 'met' : 'missed'}`,
    },
    {
      suite: 'kill-delivery',
      name: 'ratio: confirmation p99 / one-way floor p99',
      value: round(ratioOneWay),
      unit: 'ratio',
      note: `goal ≤ 2: ${ratioOneWay <= 2 ? 'met' : 'missed'} (a confirmation travels there and back)`,
    },
  );

  // File store.
  {
    const apps = startApps({ AIFLAGS_FLAGS: flags, REDIS_URL: '' });
    const runtime = await resolveRuntime({ flags, redisUrl: '' });
    let file: Flips;
    try {
      await Promise.all(apps.map((a) => a.until(() => a.ready, 300_000)));
      file = await flipAndConfirm(runtime, apps, flips);
    } finally {
      await runtime.close();
      await Promise.all(apps.map((a) => a.stop()));
      rmSync(dir, { recursive: true, force: true });
    }
    const applied = sort(file.applied);
    const last = sort(file.confirmed);
    rows.push(
      {
        suite: 'kill-delivery',
        name: `file store: flip → applied p50 (${PROCESSES} processes)`,
        value: round(quantile(applied, 0.5)),
        unit: 'ms',
        note: `${samples}; CONFIGURATION_CHANGED in each app`,
      },
      {
        suite: 'kill-delivery',
        name: `file store: flip → applied p99 (${PROCESSES} processes)`,
        value: round(quantile(applied, 0.99)),
        unit: 'ms',
        note: `goal < 50 ms: ${quantile(applied, 0.99) < 50 ? 'met' : 'missed'}; ${load()}`,
      },
      {
        suite: 'kill-delivery',
        name: `file store: flip → last confirmation p50`,
        value: round(quantile(last, 0.5)),
        unit: 'ms',
        note: 'what aiflags kill waits for',
      },
      { suite: 'kill-delivery', name: `file store: flip → last confirmation p99`, value: round(quantile(last, 0.99)), unit: 'ms', note: load() },
      {
        suite: 'kill-delivery',
        name: `file store: the write itself p50 (part of every figure above)`,
        value: round(quantile(sort(file.write), 0.5)),
        unit: 'ms',
        note: 'lock, fsync of the new state, audit entry, rename, last-good copy',
      },
      { suite: 'kill-delivery', name: `file store: the write itself p99`, value: round(quantile(sort(file.write), 0.99)), unit: 'ms', note: load() },
    );
  }
  return rows;
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rows = await run({ quick: process.argv.includes('--quick') });
  for (const r of rows) console.log(`${r.name.padEnd(64)} ${String(r.value).padStart(9)} ${r.unit}  ${r.note ?? ''}`);
  process.exit(0);
}
