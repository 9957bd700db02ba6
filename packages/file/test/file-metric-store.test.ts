import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { serializeAggregate, createAggregate, addOutcome } from '@aiflags/metrics';
import { FileMetricStore } from '../src/index.js';
import { MemoryMetricStore } from '@aiflags/metrics';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const writer = fileURLToPath(new URL('./fixtures/write-metrics.ts', import.meta.url));

function writeInChild(dir: string, variant: string, count: number, prefix: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--conditions=source', '--import', 'tsx', writer, dir, variant, String(count), prefix], { cwd: repoRoot }, (error) =>
      error ? reject(error) : resolve(),
    );
  });
}

describe('FileMetricStore', () => {
  it('merges the flushes of two processes with its own unflushed data', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aiflags-metrics-'));
    await Promise.all([writeInChild(dir, 'control', 300, 'a'), writeInChild(dir, 'treatment', 200, 'b')]);
    expect((await readdir(join(dir, 'metrics'))).filter((f) => f.endsWith('.json'))).toHaveLength(2);

    const store = new FileMetricStore({ dir, flushIntervalMs: 0 });
    store.record({ flagKey: 'chat-model', variant: 'control', unitId: 'local-1', quality: 4, latencyMs: 50 });
    const agg = await store.query('chat-model');
    expect(agg['control']!.outcomes).toBe(301);
    expect(agg['control']!.exposures).toBe(300);
    expect(agg['treatment']!.outcomes).toBe(200);
    expect(agg['treatment']!.errors).toBe(20);
    expect(agg['treatment']!.latency.mean).toBeCloseTo(100 + 199 / 2, 9);
    expect(agg['control']!.latencySketch.count).toBe(301);
    expect(Math.abs(agg['control']!.units.estimate() - 301)).toBeLessThanOrEqual(3);

    // The same numbers as one in-memory store fed everything.
    const mem = new MemoryMetricStore();
    for (const [variant, count, prefix] of [
      ['control', 300, 'a'],
      ['treatment', 200, 'b'],
    ] as const) {
      for (let i = 0; i < count; i++)
        mem.record({ flagKey: 'chat-model', variant, unitId: `${prefix}-${i}`, quality: i % 5, latencyMs: 100 + i, costUsd: 0.001, error: i % 10 === 0 });
    }
    const expected = (await mem.query('chat-model'))['treatment']!;
    expect(agg['treatment']!.quality).toEqual(expected.quality);
    expect(agg['treatment']!.cost.sum).toBeCloseTo(expected.cost.sum, 12);

    await store.close();
    expect((await readdir(join(dir, 'metrics'))).filter((f) => f.endsWith('.json'))).toHaveLength(3);
    const reader = new FileMetricStore({ dir, flushIntervalMs: 0 });
    expect((await reader.query('chat-model'))['control']!.outcomes).toBe(301);
    expect(reader.stats()).toEqual({ dropped: 0, pending: 0 });
    await reader.close();
    // A reader that recorded nothing writes no file.
    expect((await readdir(join(dir, 'metrics'))).filter((f) => f.endsWith('.json'))).toHaveLength(3);
  });

  it('keeps memory bounded: records beyond maxCells are dropped and counted', async () => {
    const store = new MemoryMetricStore({ maxCells: 3 });
    for (let i = 0; i < 10; i++) store.record({ flagKey: 'f', variant: `v${i}`, at: 0 });
    expect(store.stats()).toEqual({ dropped: 7, pending: 0 });
    expect(Object.keys(await store.query('f'))).toEqual(['v0', 'v1', 'v2']);
  });
  it('one outcome with quality 1e200 is rejected and counted, and the flag still reports its 50 others', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aiflags-metrics-'));
    const store = new FileMetricStore({ dir, flushIntervalMs: 0 });
    for (let i = 0; i < 50; i++) store.record({ flagKey: 'f', variant: 'a', quality: (i % 5) + 1 });
    store.record({ flagKey: 'f', variant: 'a', quality: 1e200 });
    expect(store.stats()).toEqual({ dropped: 1, pending: 50 });
    expect(store.rejections()).toEqual({ quality: 1 });
    await store.close();
    const reader = new FileMetricStore({ dir, flushIntervalMs: 0 });
    const a = (await reader.query('f')).a!;
    expect(a.outcomes).toBe(50);
    expect(a.quality.mean).toBeCloseTo(3, 12);
    await reader.close();
  });

  it("skips and reports one unreadable cell (a variance saved as null) while the flag's other cells load", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aiflags-metrics-'));
    await mkdir(join(dir, 'metrics'));
    const good = createAggregate();
    for (let i = 0; i < 40; i++) addOutcome(good, { flagKey: 'f', variant: 'b', quality: 4 });
    const poisoned = serializeAggregate(good);
    poisoned.quality = { ...poisoned.quality, m2: null as unknown as number };
    const hour = Date.UTC(2026, 10, 20, 10);
    const entries = [
      { flagKey: 'f', variant: 'a', hour, aggregate: poisoned },
      { flagKey: 'f', variant: 'b', hour, aggregate: serializeAggregate(good) },
    ];
    const file = join(dir, 'metrics', '123-old.json');
    await writeFile(file, JSON.stringify({ format: 'aiflags-metrics', version: 1, pid: 123, writtenAt: new Date(hour).toISOString(), entries }));
    const warnings: string[] = [];
    const reader = new FileMetricStore({ dir, flushIntervalMs: 0, warn: (m) => warnings.push(m) });
    const agg = await reader.query('f');
    await reader.query('f');
    expect(Object.keys(agg)).toEqual(['b']);
    expect(agg.b!.outcomes).toBe(40);
    expect(reader.unreadableCells()).toBe(1);
    expect(warnings).toHaveLength(1); // told once, not at every query
    expect(warnings[0]).toContain(file);
    expect(warnings[0]).toMatch(/flag 'f', variant 'a', hour 2026-11-20T10:00:00.000Z\): aggregate field "quality.m2"/);
    await reader.close();
  });
});
