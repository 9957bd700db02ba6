import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeShadow, SHADOW_VERSION, shadowArm, type ReplayResult } from '@aiflags/ai';
import { parseFlags } from '@aiflags/core';
import { FileReplayResults } from '@aiflags/file';
import { OpenFeature } from '@openfeature/server-sdk';
import { aiFlags, closeDefaultMetrics, createProvider } from 'aiflags';
import { modelSwapYaml } from '../../../test/support/sample-flags.js';

describe('aiFlags(client): shadow results land where `aiflags rollout` reads them', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aiflags-shadow-store-'));
  const flags = join(dir, 'flags.yaml');
  writeFileSync(flags, modelSwapYaml(0, ['shadow: { variant: treatment, rate: 1 }']));
  afterAll(async () => {
    await closeDefaultMetrics();
    await OpenFeature.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('each sampled request writes both arms to .aiflags/replay/ under flag version shadow, readable by a new store', async () => {
    await OpenFeature.setProviderAndWait(await createProvider({ flags, watch: false }));
    const set = parseFlags(readFileSync(flags, 'utf8'), flags);
    const ai = aiFlags(OpenFeature.getClient(), { runtime: { flags }, flags: set, meter: false });
    for (let i = 0; i < 20; i++) {
      const ticket = ai.shadow(
        'chat-model',
        { targetingKey: `user-${i}` },
        async (value) => ({ output: `shadow of ${JSON.stringify(value)}`, costUsd: 0.001 }),
        {
          requestId: `req-${i}`,
        },
      );
      expect(ticket.sampled).toBe(true);
      ticket.served({ variant: 'control', output: 'served answer', latencyMs: 100 + i });
    }
    await ai.shadows.drain();

    // Another process (the CLI) reads the same directory afresh.
    const kept = await new FileReplayResults<ReplayResult>(join(dir, '.aiflags')).load('chat-model', SHADOW_VERSION);
    const arms = new Set(kept.map((r) => r.variant));
    expect(arms).toEqual(new Set(['control', shadowArm('treatment')]));
    expect(new Set(kept.map((r) => r.caseId)).size).toBe(20);
    const report = analyzeShadow(kept, { control: 'control' });
    expect(report.arms.find((a) => a.variant === shadowArm('treatment'))?.cases).toBe(20);
  });

  it('without a flags option, shadows as the served flag file says: what an app that followed the README gets', async () => {
    const ai = aiFlags(OpenFeature.getClient(), { runtime: { flags }, meter: false });
    const ticket = ai.shadow('chat-model', { targetingKey: 'user-x' }, async () => ({ output: 'shadow' }), { requestId: 'req-default' });
    expect(ticket.sampled).toBe(true);
    ticket.served({ variant: 'control', output: 'served', latencyMs: 1 });
    await ai.shadows.drain();
    expect(ai.shadows.stats().persisted).toMatchObject({ written: 2, failed: 0 });
    const kept = await new FileReplayResults<ReplayResult>(join(dir, '.aiflags')).load('chat-model', SHADOW_VERSION);
    expect(
      kept
        .filter((r) => r.caseId === 'req-default')
        .map((r) => r.variant)
        .sort(),
    ).toEqual(['control', shadowArm('treatment')]);
  });
});
