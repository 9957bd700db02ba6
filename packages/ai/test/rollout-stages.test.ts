import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateFlags } from '@aiflags/core';
import { FileReplayResults, FileStateStore } from '@aiflags/file';
import { MemoryMetricStore } from '@aiflags/metrics';
import { seededRandom } from '@aiflags/testing';
import { RolloutController, RolloutSkipError, replayFlagVersion, SHADOW_VERSION, shadowArm, type ReplayResult } from '../src/index.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 1);

/** A model swap served to nobody yet: its plan begins with replay (200 paired cases) and shadow (24 h, 500 requests). */
const flags = validateFlags(
  {
    flags: {
      'chat-model': {
        changeType: 'model-swap',
        variants: { control: { model: 'gpt-4o' }, treatment: { model: 'claude-sonnet-4' } },
        defaultVariant: 'control',
        rollout: { variant: 'treatment', percentage: 0 },
      },
    },
  },
  'test-flags',
);
const flag = flags.flags.get('chat-model')!;

/** Paired results of `n` cases: the treatment's quality is the control's plus `shift` (seeded noise of sd 0.3 on each arm). */
function pairedResults(n: number, shift: number, version: string, treatmentArm: string, at: number, seed: number): ReplayResult[] {
  const random = seededRandom(seed);
  const out: ReplayResult[] = [];
  for (let i = 0; i < n; i++) {
    const base = 3 + random() * 2;
    const common = { flagKey: 'chat-model', flagVersion: version, caseId: `c${i}`, ok: true, at: new Date(at).toISOString() };
    out.push({ ...common, variant: 'control', latencyMs: 400 + random() * 50, costUsd: 0.002, scores: { quality: base + (random() - 0.5) * 0.6 } });
    out.push({ ...common, variant: treatmentArm, latencyMs: 400 + random() * 50, costUsd: 0.002, scores: { quality: base + shift + (random() - 0.5) * 0.6 } });
  }
  return out;
}

describe('RolloutController: replay and shadow stages before the first percentage', () => {
  let dir: string;
  let now: number;
  let state: FileStateStore;
  let replays: FileReplayResults<ReplayResult>;
  let controller: RolloutController;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aiflags-stages-'));
    now = T0;
    state = new FileStateStore(join(dir, 'state.json'));
    await state.start?.();
    replays = new FileReplayResults<ReplayResult>(dir);
    controller = new RolloutController({ state, metrics: new MemoryMetricStore(), flags, replays, clock: () => now, actor: 'test' });
  });
  afterEach(async () => {
    await state.close?.();
    await rm(dir, { recursive: true, force: true });
  });

  const append = async (results: ReplayResult[]) => {
    for (const r of results) await replays.append(r);
  };
  const live = () => state.current().flags['chat-model'];

  it('a replay that fails holds the flag at 0 % and says why; nobody is exposed however many ticks pass', async () => {
    await controller.tick(); // start: replay stage
    await append(pairedResults(250, -0.5, replayFlagVersion(flag.definition), 'treatment', now, 1));
    for (let i = 0; i < 3; i++) {
      now += 48 * HOUR;
      const [action] = await controller.tick();
      expect(action).toMatchObject({ action: 'hold', from: 0, to: 0, stage: 'replay' });
      expect(action!.reasons[0]).toMatch(/^replay failed: .*quality/);
    }
    expect(live()).toMatchObject({ percentage: 0, rolloutStage: 'replay', rolloutStatus: 'running' });
    const [evidence] = await controller.evidence('chat-model');
    expect(evidence!.evidence[0]).toMatchObject({ stage: 'replay', state: 'failed', verdict: 'rollback', worst: { metric: 'quality' } });
  });

  it('a replay short of its cases waits and says how many are missing', async () => {
    await controller.tick();
    await append(pairedResults(37, 0, replayFlagVersion(flag.definition), 'treatment', now, 2));
    const [evidence] = await controller.evidence('chat-model');
    expect(evidence!.stage).toBe('replay');
    expect(evidence!.missing).toEqual(['replay: 37 of 200 paired cases']);
    const [action] = await controller.tick();
    expect(action).toMatchObject({ action: 'hold', to: 0, reasons: ['replay: 37 of 200 paired cases'] });
  });

  it('results of another flag version do not count: editing a variant asks for a new replay', async () => {
    await controller.tick();
    await append(pairedResults(250, 0, 'an-old-version', 'treatment', now, 3));
    const [evidence] = await controller.evidence('chat-model');
    expect(evidence!.evidence[0]).toMatchObject({ state: 'waiting', cases: 0 });
  });

  it('a passing replay moves to shadow; the shadow stage holds 24 h and 500 paired requests, then the first step is 1 %', async () => {
    await controller.tick();
    await append(pairedResults(250, 0, replayFlagVersion(flag.definition), 'treatment', now, 4));
    now += HOUR;
    const [toShadow] = await controller.tick();
    expect(toShadow).toMatchObject({ action: 'stage', stage: 'shadow', to: 0 });
    expect(live()).toMatchObject({ percentage: 0, rolloutStage: 'shadow' });

    const shadowStart = now;
    now += HOUR;
    await append(pairedResults(600, 0, SHADOW_VERSION, shadowArm('treatment'), now, 5));
    const [early] = await controller.tick();
    expect(early).toMatchObject({ action: 'hold', stage: 'shadow', to: 0 });
    expect(early!.reasons.join('\n')).toMatch(/shadow: held 1 h of 24 h/);

    now = shadowStart + 25 * HOUR;
    const [first] = await controller.tick();
    expect(first).toMatchObject({ action: 'advance', from: 0, to: 1, step: 0 });
    expect(live()).toMatchObject({ percentage: 1, rolloutStep: 0, rolloutStatus: 'running' });
    expect(live()!.rolloutStage).toBeUndefined();
    const actions = (await state.audit.list({ target: 'chat-model' })).map((e) => e.action);
    expect(actions.filter((a) => a === 'rollout-stage')).toHaveLength(2);
  });

  it('shadow results from before the shadow stage began do not count', async () => {
    await controller.tick();
    await append(pairedResults(250, 0, replayFlagVersion(flag.definition), 'treatment', now, 6));
    await append(pairedResults(600, 0, SHADOW_VERSION, shadowArm('treatment'), now - HOUR, 7));
    now += HOUR;
    await controller.tick(); // → shadow
    now += 25 * HOUR;
    const [action] = await controller.tick();
    expect(action).toMatchObject({ action: 'hold', stage: 'shadow', to: 0 });
    expect(action!.reasons.join('\n')).toMatch(/shadow: 0 of 500 paired requests/);
  });

  it('skipping a stage needs a reason; with one it is audited with the actor and the flag moves on', async () => {
    await controller.tick();
    await expect(controller.skipStage('chat-model', 'replay', {})).rejects.toBeInstanceOf(RolloutSkipError);
    await expect(controller.skipStage('chat-model', 'replay', { reason: '   ' })).rejects.toThrow(/needs a reason/);
    await expect(controller.skipStage('chat-model', 'canary', { reason: 'x' })).rejects.toThrow(/expected 'replay' or 'shadow'/);
    expect(live()!.skippedStages).toBeUndefined();

    await controller.skipStage('chat-model', 'replay', { reason: 'same prompts were replayed on staging', actor: 'alice' });
    const [entry] = await state.audit.list({ target: 'chat-model', limit: 1 });
    expect(entry).toMatchObject({ action: 'rollout-skip', actor: 'alice' });
    expect(entry!.reason).toMatch(/skipped the replay stage: same prompts were replayed on staging/);
    const [action] = await controller.tick();
    expect(action).toMatchObject({ action: 'stage', stage: 'shadow' });
    const [evidence] = await controller.evidence('chat-model');
    // The skipped stage is listed as skipped, not as evidence still to come.
    expect(evidence!.skippedStages).toEqual(['replay']);
    expect(evidence!.evidence.map((e) => e.stage)).toEqual(['shadow']);
  });
});
