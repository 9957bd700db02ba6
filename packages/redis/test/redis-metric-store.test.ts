import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { AggregateTable, HOUR_MS, uniqueUnits, type Outcome } from '@aiflags/metrics';
import { RedisMetricStore } from '@aiflags/redis';
import { PrivateRedis, freePort } from '@aiflags/testing';
import { deletePrefix, eventually, recordingLogger, testPrefix, testRedisUrl } from '@aiflags/testing';

const open: Array<{ close(): Promise<void> }> = [];
const prefixes: string[] = [];

function store(prefix: string, options: { maxCells?: number; clock?: () => number } = {}) {
  const s = new RedisMetricStore({ url: testRedisUrl, prefix, flushIntervalMs: 0, logger: recordingLogger(), ...options });
  open.push(s);
  return s;
}

function newPrefix(name: string): string {
  const p = testPrefix(name);
  prefixes.push(p);
  return p;
}

afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
  for (const p of prefixes.splice(0)) await deletePrefix(p);
});

const T0 = Date.UTC(2026, 10, 20, 10, 0, 0);

/** Deterministic outcomes over two hours, two variants, some errors and feedback. */
function outcomes(n: number, seed: number): Outcome[] {
  return Array.from({ length: n }, (_, i) => ({
    flagKey: 'chat-model',
    variant: i % 3 === 0 ? 'treatment' : 'control',
    unitId: `user-${(i * 7 + seed) % 400}`,
    at: T0 + ((i * 997 + seed * 13) % (2 * HOUR_MS)),
    latencyMs: 80 + ((i * 31 + seed) % 900),
    quality: ((i + seed) % 5) + 1,
    costUsd: 0.001 * ((i % 7) + 1),
    inputTokens: 100 + (i % 50),
    outputTokens: 20 + (i % 30),
    error: (i + seed) % 17 === 0,
    ...(i % 11 === 0 ? { feedback: 'positive' as const } : {}),
  }));
}

describe('RedisMetricStore', () => {
  it('merges three instances exactly: the same as one table that saw every outcome', async () => {
    const prefix = newPrefix('merge');
    const reference = new AggregateTable();
    const instances = [store(prefix), store(prefix), store(prefix)];
    instances.forEach((s, k) => {
      for (const o of outcomes(600, k)) {
        s.record(o);
        reference.addOutcome(o);
      }
      s.recordExposure({ flagKey: 'chat-model', variant: 'control', unitId: `exp-${k}`, at: T0 });
      reference.addExposure({ flagKey: 'chat-model', variant: 'control', unitId: `exp-${k}`, at: T0 });
    });
    await Promise.all(instances.map((s) => s.flush()));
    const reader = store(prefix);
    const merged = await reader.query('chat-model');
    const expected = reference.query('chat-model');
    expect(Object.keys(merged).sort()).toEqual(['control', 'treatment']);
    for (const variant of ['control', 'treatment']) {
      const got = merged[variant]!;
      const want = expected[variant]!;
      expect(got.outcomes).toBe(want.outcomes);
      expect(got.exposures).toBe(want.exposures);
      expect(got.errors).toBe(want.errors);
      expect(got.feedbackPositive).toBe(want.feedbackPositive);
      expect(got.inputTokens).toBe(want.inputTokens);
      expect(got.quality.count).toBe(want.quality.count);
      expect(got.quality.mean).toBeCloseTo(want.quality.mean, 10);
      expect(got.quality.m2).toBeCloseTo(want.quality.m2, 6);
      expect(got.cost.sum).toBeCloseTo(want.cost.sum, 10);
      expect(got.latencySketch.count).toBe(want.latencySketch.count);
      for (const q of [0.5, 0.95, 0.99]) expect(got.latencySketch.getValueAtQuantile(q)).toBe(want.latencySketch.getValueAtQuantile(q));
      // PFCOUNT over the merged unit keys agrees with the aggregate's own HyperLogLog within HLL error.
      expect(got.unitsEstimate).toBeGreaterThan(0);
      expect(Math.abs(uniqueUnits(got) - want.units.estimate()) / want.units.estimate()).toBeLessThan(0.05);
    }
  });

  it('writes are idempotent: flushing again, or after more records, never double counts', async () => {
    const prefix = newPrefix('idempotent');
    const s = store(prefix);
    for (const o of outcomes(100, 1)) s.record({ ...o, at: T0 });
    await s.flush();
    await s.flush();
    for (const o of outcomes(50, 2)) s.record({ ...o, at: T0 });
    await s.flush();
    const merged = await store(prefix).query('chat-model');
    expect((merged.control?.outcomes ?? 0) + (merged.treatment?.outcomes ?? 0)).toBe(150);
    expect(s.stats()).toMatchObject({ dropped: 0, pending: 0 });
  });

  it('a late record for an hour already evicted from memory adds to it instead of overwriting it', async () => {
    const prefix = newPrefix('late');
    let now = T0 + 10;
    const s = store(prefix, { clock: () => now });
    s.record({ flagKey: 'f', variant: 'a', latencyMs: 100 });
    s.record({ flagKey: 'f', variant: 'a', latencyMs: 200 });
    await s.flush();
    now = T0 + 4 * HOUR_MS;
    s.record({ flagKey: 'f', variant: 'a' });
    await s.flush(); // evicts the T0 cell (its hour ended more than 2 h ago)
    s.record({ flagKey: 'f', variant: 'a', at: T0 + 20, latencyMs: 300 });
    await s.flush();
    const hour = (await s.query('f', { since: T0, until: T0 + HOUR_MS })).a!;
    expect(hour.outcomes).toBe(3);
    expect(hour.latency.mean).toBe(200);
    const raw = new Redis(testRedisUrl);
    expect(await raw.hlen(s.keys.metricCells('f', T0))).toBe(2); // the evicted cell and the late one
    raw.disconnect();
  });

  it('a query range selects hours', async () => {
    const prefix = newPrefix('range');
    const s = store(prefix);
    s.record({ flagKey: 'f', variant: 'a', at: T0 + 10 });
    s.record({ flagKey: 'f', variant: 'a', at: T0 + HOUR_MS + 10 });
    s.record({ flagKey: 'f', variant: 'a', at: T0 + 2 * HOUR_MS + 10 });
    await s.flush();
    expect((await s.query('f', { since: T0 + HOUR_MS })).a?.outcomes).toBe(2);
    expect((await s.query('f', { until: T0 + HOUR_MS })).a?.outcomes).toBe(1);
    expect((await s.query('f', { since: T0 + HOUR_MS, until: T0 + 2 * HOUR_MS })).a?.outcomes).toBe(1);
    expect(await s.query('other-flag')).toEqual({});
  });

  it('counts records it cannot hold as dropped, and pending until written', async () => {
    const prefix = newPrefix('bounds');
    const s = store(prefix, { maxCells: 2 });
    s.record({ flagKey: 'f', variant: 'a', at: T0 });
    s.record({ flagKey: 'f', variant: 'b', at: T0 });
    s.record({ flagKey: 'f', variant: 'c', at: T0 });
    s.record({ flagKey: 'f', variant: 'a', at: T0 });
    expect(s.stats()).toMatchObject({ dropped: 1, pending: 3 });
    await s.flush();
    expect(s.stats()).toMatchObject({ dropped: 1, pending: 0 });
  });

  it('skips a corrupted cell with a logged error instead of failing the report', async () => {
    const prefix = newPrefix('corrupt-cell');
    const logger = recordingLogger();
    const s = new RedisMetricStore({ url: testRedisUrl, prefix, flushIntervalMs: 0, logger });
    open.push(s);
    s.record({ flagKey: 'f', variant: 'a', at: T0 });
    await s.flush();
    const raw = new Redis(testRedisUrl);
    await raw.hset(s.keys.metricCells('f', T0), 'intruder:a', '{"v":1,"exposures":"many"}');
    raw.disconnect();
    expect((await s.query('f')).a?.outcomes).toBe(1);
    expect(logger.errors.join('\n')).toMatch(/corrupted metric cell .*exposures/);
  });

  it('one outcome with quality 1e200 is rejected and counted; the 50 others in its cell still report', async () => {
    const prefix = newPrefix('huge-value');
    const logger = recordingLogger();
    const s = new RedisMetricStore({ url: testRedisUrl, prefix, flushIntervalMs: 0, logger });
    open.push(s);
    for (let i = 0; i < 50; i++) s.record({ flagKey: 'f', variant: 'a', at: T0, quality: (i % 5) + 1 });
    s.record({ flagKey: 'f', variant: 'a', at: T0, quality: 1e200 });
    await s.flush();
    const a = (await store(prefix).query('f')).a!;
    expect(a.outcomes).toBe(50);
    expect(a.quality.mean).toBeCloseTo(3, 12);
    expect(Number.isFinite(a.quality.m2)).toBe(true);
    expect(s.stats()).toMatchObject({ rejected: 1, dropped: 1, pending: 0 });
    expect(logger.warnings.join('\n')).toMatch(/rejected an outcome for flag 'f' variant 'a': quality 1e\+200/);
    expect(logger.errors).toEqual([]);
  });

  it('unique units survive a Redis restart without persistence: 300 users before, 10 after report about 310', { timeout: 30_000 }, async () => {
    const server = new PrivateRedis(await freePort());
    await server.start();
    const s = new RedisMetricStore({ url: server.url, prefix: 'restart', flushIntervalMs: 0, logger: recordingLogger() });
    try {
      const now = Date.now();
      for (let i = 0; i < 300; i++) s.record({ flagKey: 'f', variant: 'a', unitId: `before-${i}`, at: now });
      await s.flush();
      await server.kill();
      await server.start();
      await eventually(
        async () => {
          await s.flush().catch(() => undefined);
          return (await s.query('f').catch(() => ({}) as Record<string, never>)).a?.outcomes === 300;
        },
        10_000,
        'cells written back after the restart',
      );
      for (let i = 0; i < 10; i++) s.record({ flagKey: 'f', variant: 'a', unitId: `after-${i}`, at: now });
      await s.flush();
      const reader = new RedisMetricStore({ url: server.url, prefix: 'restart', flushIntervalMs: 0 });
      const a = (await reader.query('f')).a!;
      await reader.close();
      expect(a.outcomes).toBe(310);
      expect(Math.abs(uniqueUnits(a) - 310)).toBeLessThanOrEqual(310 * 0.03);
    } finally {
      await s.close();
      await server.kill();
    }
  });

  it('keeps records buffered while Redis is unreachable and reports them as dropped only at close', async () => {
    const prefix = newPrefix('offline');
    const s = new RedisMetricStore({ url: 'redis://127.0.0.1:1', prefix, flushIntervalMs: 0, logger: recordingLogger() });
    s.record({ flagKey: 'f', variant: 'a' });
    await expect(s.flush()).rejects.toThrow(/not connected/);
    expect(s.stats()).toMatchObject({ dropped: 0, pending: 1 });
    await s.close();
    expect(s.stats()).toMatchObject({ dropped: 1, pending: 0 });
  });
});
