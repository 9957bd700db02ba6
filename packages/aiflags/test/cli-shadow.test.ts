import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReplayResult, SHADOW_VERSION, shadowArm } from '@aiflags/ai';
import { FileReplayResults } from '@aiflags/file';
import { RedisReplayResults } from '@aiflags/redis';
import { deletePrefix, testRedisUrl } from '@aiflags/testing';
import { modelSwapYaml } from '../../../test/support/sample-flags.js';
import { runCli } from './cli-ai-run.js';

/** 100 sampled requests: the shadow arm is 0.5 better on 80 and 2 worse on 20 (req-0 … req-19), as a seeded model would be. */
function shadowResults(): ReplayResult[] {
  const out: ReplayResult[] = [];
  const at = new Date().toISOString();
  for (let i = 0; i < 100; i++) {
    const worse = i < 20;
    const base = { flagKey: 'chat-model', flagVersion: SHADOW_VERSION, caseId: `req-${i}`, ok: true, at };
    out.push({
      ...base,
      variant: 'control',
      input: `question ${i}`,
      output: `served answer ${i}`,
      latencyMs: 400 + (i % 7),
      costUsd: 0.002,
      scores: { quality: 3 },
    });
    out.push({
      ...base,
      variant: shadowArm('treatment'),
      output: worse ? `bad shadow answer ${i}` : `shadow answer ${i}`,
      latencyMs: 380 + (i % 5),
      costUsd: 0.003,
      scores: { quality: worse ? 1 : 3.5 },
    });
  }
  return out;
}

describe('aiflags shadow <flag>: the shadow arm against the served control, as a user reads it', () => {
  let dir: string;
  let flagsPath: string;
  const env = `cli-shadow-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aiflags-cli-shadow-'));
    flagsPath = join(dir, 'flags.yaml');
    await writeFile(flagsPath, modelSwapYaml(0, ['shadow: { variant: treatment, rate: 1 }']));
  });
  afterAll(async () => {
    await deletePrefix(`aiflags:${env}`);
  });

  it('says there is nothing yet, and how to get it, with exit 1', async () => {
    const none = await runCli(['--flags', flagsPath, 'shadow', 'chat-model']);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/no shadow results of 'chat-model' in .*\.aiflags\/replay\/chat-model\.jsonl: the flag needs `shadow: \{ variant, rate \}`/);
    const bad = await runCli(['--flags', flagsPath, 'shadow', 'chat-model', '--examples', 'many']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--examples: expected a whole number ≥ 0, got 'many'/);
    const unknown = await runCli(['--flags', flagsPath, 'shadow', 'no-such-flag']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no flag 'no-such-flag'/);
  });

  it('finds both the 80 % it helps and the 20 % it hurts, lists the worst requests, and writes JSON and HTML', { timeout: 120_000 }, async () => {
    const store = new FileReplayResults<ReplayResult>(join(dir, '.aiflags'));
    for (const r of shadowResults()) await store.append(r);

    const text = await runCli(['--flags', flagsPath, 'shadow', 'chat-model']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^shadow traffic of 'chat-model': each shadow arm against the served control 'control', paired per request/);
    expect(text.stdout).toMatch(/variant +requests +failures/);
    expect(text.stdout).toMatch(/80 wins \/ 0 ties \/ 20 losses over 100 requests/);
    expect(text.stdout).toMatch(/- cost per request \+50 %: significantly above the \+20 % budget/);
    expect(text.stdout).toMatch(/worst requests:\n {4}req-(\d+) \(−2\): input question \1\n {6}served answer \d+ \(3\) -> bad shadow answer \d+ \(1\)/);
    expect(text.stdout).toMatch(/read from .*\.aiflags\/replay\/chat-model\.jsonl\n$/);

    const html = join(dir, 'shadow.html');
    const json = await runCli(['--flags', flagsPath, 'shadow', 'chat-model', '--json', '--html', html]);
    expect(json.code, json.stderr).toBe(0);
    const { report } = JSON.parse(json.stdout) as { report: { control: string; treatments: Array<{ variant: string; worst: Array<{ caseId: string }> }> } };
    expect(report.control).toBe('control');
    const t = report.treatments.find((x) => x.variant === shadowArm('treatment'))!;
    expect(t.worst.length).toBeGreaterThan(0);
    for (const w of t.worst) expect(Number(w.caseId.slice(4))).toBeLessThan(20);
    const page = await readFile(html, 'utf8');
    expect(page).toMatch(/<h1>Shadow traffic report: <code>chat-model<\/code><\/h1>/);
    expect(page).toMatch(/<h3>Worst requests<\/h3>/);
    expect(page).toMatch(/question 0/);
  });

  it('reads the results every instance wrote to Redis when REDIS_URL is set', { timeout: 120_000 }, async () => {
    const redis = new RedisReplayResults<ReplayResult>({ url: testRedisUrl, prefix: `aiflags:${env}` });
    try {
      for (const r of shadowResults().slice(0, 40)) await redis.append(r);
    } finally {
      await redis.close();
    }
    const text = await runCli(['--flags', flagsPath, 'shadow', 'chat-model'], { REDIS_URL: testRedisUrl, AIFLAGS_ENV: env });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/over 20 requests/);
    expect(text.stdout).toMatch(new RegExp(`read from Redis .* prefix aiflags:${env}`));
  });
});
