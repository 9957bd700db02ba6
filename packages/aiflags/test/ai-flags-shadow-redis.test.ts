import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SHADOW_VERSION, shadowArm, type ReplayResult } from '@aiflags/ai';
import { parseFlags } from '@aiflags/core';
import { RedisReplayResults } from '@aiflags/redis';
import { deletePrefix, testRedisUrl } from '@aiflags/testing';
import { OpenFeature } from '@openfeature/server-sdk';
import { aiFlags, closeDefaultMetrics } from 'aiflags';
import { modelSwapYaml } from '../../../test/support/sample-flags.js';
import { runCli } from './cli-ai-run.js';

describe('aiFlags(client) with REDIS_URL: shadow results of every instance meet in Redis, where `aiflags rollout` reads them', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aiflags-shadow-redis-'));
  const flags = join(dir, 'flags.yaml');
  writeFileSync(flags, modelSwapYaml(0, ['shadow: { variant: treatment, rate: 1 }']));
  const env = `shadow-${randomUUID().slice(0, 8)}`;
  const prefix = `aiflags:${env}`;
  const cliEnv = { REDIS_URL: testRedisUrl, AIFLAGS_ENV: env };
  afterAll(async () => {
    await closeDefaultMetrics();
    await OpenFeature.close();
    await deletePrefix(prefix);
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes both arms of each sampled request to a Redis stream, and the CLI counts them as the shadow stage’s evidence', { timeout: 120_000 }, async () => {
    // The plan begins with replay; skip it (audited) so the shadow stage begins now, in Redis.
    const skipped = await runCli(['--flags', flags, 'rollout', 'run', '--once', '--skip-stage', 'replay', '--reason', 'replayed on staging'], cliEnv);
    expect(skipped.code, skipped.stderr).toBe(0);

    const set = parseFlags(readFileSync(flags, 'utf8'), flags);
    const ai = aiFlags(OpenFeature.getClient(), { runtime: { flags, redisUrl: testRedisUrl, redisPrefix: prefix }, flags: set, meter: false });
    for (let i = 0; i < 20; i++) {
      const ticket = ai.shadow('chat-model', { targetingKey: `user-${i}` }, async () => ({ output: 'shadow answer', costUsd: 0.001 }), {
        requestId: `req-${i}`,
      });
      expect(ticket.sampled).toBe(true);
      ticket.served({ variant: 'control', output: 'served answer', latencyMs: 100 + i });
    }
    await ai.shadows.drain();
    expect(ai.shadows.stats().persisted).toMatchObject({ written: 40, failed: 0, dropped: 0 });

    // Nothing went to the local folder; a fresh reader (another instance, another machine) finds all 40 in Redis.
    const reader = new RedisReplayResults<ReplayResult>({ url: testRedisUrl, prefix });
    try {
      const kept = await reader.load('chat-model', SHADOW_VERSION);
      expect(new Set(kept.map((r) => r.variant))).toEqual(new Set(['control', shadowArm('treatment')]));
      expect(new Set(kept.map((r) => r.caseId)).size).toBe(20);
    } finally {
      await reader.close();
    }
    const local = await runCli(['--flags', flags, 'rollout', 'status', 'chat-model'], { REDIS_URL: '' });
    expect(local.stdout).not.toMatch(/20 of 500 paired requests/);

    const status = await runCli(['--flags', flags, 'rollout', 'status', 'chat-model'], cliEnv);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/plan \[shadow\]/);
    expect(status.stdout).toMatch(/20 shadow runs, 20 of 500 paired requests/);
  });
});
