import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeImpact, type Judge, JudgeRunner } from '@aiflags/ai';
import { FileMetricStore } from '@aiflags/file';
import type { MetricStore } from '@aiflags/metrics';
import { RedisMetricStore } from '@aiflags/redis';
import { deletePrefix, testRedisUrl } from '@aiflags/testing';
import { runCli } from './cli-ai-run.js';

const FLAG = 'support-prompt';
const FLAGS = `
flags:
  ${FLAG}:
    variants: { control: short, treatment: long }
    defaultVariant: control
`;

/**
 * 20 requests on control, then 20 on treatment, each judged (rate 1) one at a time by a judge that costs
 * $0.01 and throws on every fifth response; the $0.245 hourly budget runs out at the 25th score.
 * control: 20 sampled, 16 judged, 4 failed, $0.16; treatment: 20 sampled, 9 judged, 2 failed, 9 skipped, $0.09.
 */
async function judgeTraffic(store: MetricStore): Promise<JudgeRunner> {
  const now = Date.now();
  const helpfulness: Judge = (s) => {
    if (Number(s.responseId.slice(1)) % 5 === 4) throw new Error('judge model down');
    return { score: s.variant === 'treatment' ? 4 : 3, costUsd: 0.01 };
  };
  const runner = new JudgeRunner({
    judges: { helpfulness },
    rates: { [FLAG]: { helpfulness: 1 } },
    store,
    concurrency: 1,
    hourlyBudgetUsd: 0.245,
    clock: () => now,
    warn: () => {},
  });
  for (let i = 0; i < 40; i++) {
    const variant = i < 20 ? 'control' : 'treatment';
    const unitId = `u${i}`;
    store.recordExposure({ flagKey: FLAG, variant, unitId });
    store.record({ flagKey: FLAG, variant, unitId, latencyMs: 200 + i, costUsd: variant === 'control' ? 0.002 : 0.003 });
    runner.offer({ flagKey: FLAG, variant, unitId, context: { targetingKey: unitId } }, `r${i}`, 'question', 'answer');
    await runner.drain();
  }
  return runner;
}

const CONTROL = { sampled: 20, judged: 16, failed: 4, dropped: 0, skippedBudget: 0 };
const TREATMENT = { sampled: 20, judged: 9, failed: 2, dropped: 0, skippedBudget: 9 };

/** What a second process reads: judge counts per variant, and the requests' figures as if no judge had run. */
async function expectJudgeCountsIn(reader: MetricStore): Promise<void> {
  const report = await analyzeImpact(reader, FLAG, { control: 'control' });
  const [control, treatment] = report.variants;
  expect(control!.judges).toMatchObject(CONTROL);
  expect(treatment!.judges).toMatchObject(TREATMENT);
  expect(control!.judges!.costUsd).toBeCloseTo(0.16, 10);
  expect(treatment!.judges!.costUsd).toBeCloseTo(0.09, 10);
  // Judge records are not requests: outcomes, the error rate's denominator and the gate's cost stay the app's.
  expect([control!.size.outcomes, treatment!.size.outcomes]).toEqual([20, 20]);
  expect(control!.costMean).toBeCloseTo(0.002, 12);
  expect(treatment!.costMean).toBeCloseTo(0.003, 12);
  const cost = report.treatments[0]!.cost!;
  expect(cost.n).toEqual([20, 20]);
  expect(cost.treatment).toBeCloseTo(0.003, 12);
  expect(cost.control).toBeCloseTo(0.002, 12);
  expect(report.treatments[0]!.errorRate!.n).toEqual([20, 20]);
  expect(treatment!.scores!['helpfulness']).toMatchObject({ n: 9, mean: 4 });
}

function expectJudgeLines(stdout: string): void {
  expect(stdout).toContain('\njudges (cost apart from the requests’ own):\n');
  expect(stdout).toContain('\n  control: 20 sampled, 16 judged, 4 failed, $0.16 judge cost\n');
  expect(stdout).toContain('\n  treatment: 20 sampled, 9 judged, 2 failed, 9 skipped (budget spent), $0.09 judge cost\n');
  expect(stdout).toContain('\n  sampling paused: 9 samples skipped for the hourly budget\n');
  // The per-variant table's cost is the requests' own.
  expect(stdout).toMatch(/\ncontrol +20 +20 +– +\d+ +\$0\.002 +0 %\n/);
}

describe('judge counts in the metrics store, read by another process', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanups.splice(0)) await c();
  });

  it('file store: a fresh store, `aiflags report`, --json and --html show sampled, judged, failed, budget skips and judge cost', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aiflags-judges-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const flagsPath = join(dir, 'flags.yaml');
    await writeFile(flagsPath, FLAGS);
    const store = new FileMetricStore({ dir: join(dir, '.aiflags'), flushIntervalMs: 0 });
    const runner = await judgeTraffic(store);
    // The runner's own counts agree with what the store got.
    expect(runner.stats().judges['helpfulness']).toMatchObject({ sampled: 40, judged: 25, failed: 6, skippedBudget: 9 });
    await runner.close();
    await store.close();

    await expectJudgeCountsIn(new FileMetricStore({ dir: join(dir, '.aiflags'), flushIntervalMs: 0 }));

    const text = await runCli(['--flags', flagsPath, 'report', FLAG]);
    expect(text.stderr).toBe('');
    expect(text.code).toBe(0);
    expectJudgeLines(text.stdout);

    const html = join(dir, 'report.html');
    const json = await runCli(['--flags', flagsPath, 'report', FLAG, '--json', '--html', html]);
    expect(json.code).toBe(0);
    const { report } = JSON.parse(json.stdout);
    expect(report.variants.map((v: { judges: unknown }) => v.judges)).toEqual([
      { ...CONTROL, costUsd: expect.closeTo(0.16, 10) },
      { ...TREATMENT, costUsd: expect.closeTo(0.09, 10) },
    ]);
    const page = await readFile(html, 'utf8');
    expect(page).toContain('<section data-testid="judges"><h2>Judges</h2>');
    expect(page).toContain('Sampling paused: 9 samples skipped for the hourly budget.');
    expect(page).toMatch(
      /<tr data-variant="treatment"><td><code>treatment<\/code><\/td><td class="num" data-field="sampled">20<\/td><td class="num" data-field="judged">9<\/td><td class="num" data-field="failed">2<\/td><td class="num" data-field="dropped">0<\/td><td class="num" data-field="skippedBudget">9<\/td><td class="num" data-field="costUsd">0\.0900<\/td><\/tr>/,
    );
  });

  it('Redis store: a second store instance and `aiflags report` with REDIS_URL show the same counts', async () => {
    const env = `judges-test-${randomUUID().slice(0, 8)}`;
    const prefix = `aiflags:${env}`;
    cleanups.push(() => deletePrefix(prefix));
    const dir = await mkdtemp(join(tmpdir(), 'aiflags-judges-redis-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const flagsPath = join(dir, 'flags.yaml');
    await writeFile(flagsPath, FLAGS);
    const store = new RedisMetricStore({ url: testRedisUrl, prefix, flushIntervalMs: 0 });
    const runner = await judgeTraffic(store);
    await runner.close();
    await store.close();

    const reader = new RedisMetricStore({ url: testRedisUrl, prefix, flushIntervalMs: 0 });
    try {
      await expectJudgeCountsIn(reader);
    } finally {
      await reader.close();
    }

    const text = await runCli(['--flags', flagsPath, 'report', FLAG], { REDIS_URL: testRedisUrl, AIFLAGS_ENV: env });
    expect(text.stderr).toBe('');
    expect(text.code).toBe(0);
    expectJudgeLines(text.stdout);
  });
});
