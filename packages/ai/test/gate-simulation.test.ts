import { describe, expect, it } from 'vitest';
import { validateFlags } from '@aiflags/core';
import { HOUR_MS } from '@aiflags/metrics';
import { MemoryStateStore } from '@aiflags/file';
import { analyzeImpact, decide, RolloutController } from '../src/index.js';
import { MemoryMetricStore } from '@aiflags/metrics';
import { seededRandom, simulateUnits, type VariantBehaviour } from '@aiflags/testing';

const T0 = Date.UTC(2026, 10, 1, 0, 0, 0);
const FLAG = 'chat-model';

const flagSet = validateFlags(
  {
    flags: {
      [FLAG]: {
        changeType: 'model-swap',
        variants: { control: { model: 'gpt-4o' }, treatment: { model: 'claude-sonnet-4' } },
        defaultVariant: 'control',
        rollout: { variant: 'treatment', percentage: 1 },
      },
    },
  },
  'test-flags',
);

const control: VariantBehaviour = { quality: 4, latencyMs: 800, costUsd: 0.002, errorRate: 0.02 };

/** Drives a controller over simulated traffic until it stops running or `maxTicks` pass; returns every action. */
async function drive(treatment: VariantBehaviour, seed: number, maxTicks = 60) {
  let now = T0;
  const state = new MemoryStateStore();
  const metrics = new MemoryMetricStore({ clock: () => now });
  const controller = new RolloutController({ state, metrics, flags: flagSet, clock: () => now });
  const rand = seededRandom(seed);
  const actions = [];
  for (let tick = 0; tick < maxTicks; tick++) {
    const [action] = await controller.tick();
    actions.push(action!);
    const o = state.current().flags[FLAG];
    if (o?.rolloutStatus !== 'running') break;
    // Twelve hours of traffic at the current percentage, then look again.
    const share = o.percentage! / 100;
    for (let h = 1; h <= 12; h++) {
      now += HOUR_MS;
      simulateUnits(metrics, rand, {
        flagKey: FLAG,
        units: 2_000,
        shares: { control: 1 - share, treatment: share },
        behaviour: { control, treatment },
        at: now,
        unitPrefix: `t${tick}h${h}`,
      });
    }
  }
  return { actions, state };
}

describe('rollout controller over simulated traffic (seeded)', () => {
  it('rolls back a treatment truly worse on quality, with an audit entry', async () => {
    const { actions, state } = await drive({ ...control, quality: 3.5 }, 1);
    expect(actions.at(-1)!.action).toBe('rollback');
    expect(actions.at(-1)!.reasons.join(' ')).toMatch(/quality −0\.\d+ \(95 % CI .*\): worse than control/);
    expect(state.current().flags[FLAG]).toMatchObject({ percentage: 0, rolloutStatus: 'rolled-back' });
    const [entry] = await state.audit.list({ limit: 1 });
    expect(entry).toMatchObject({ actor: 'rollout-controller', target: FLAG, action: 'rollout-rollback' });
    expect(entry!.reason).toMatch(/rolled back from 1 %/);
  });

  it('promotes a treatment truly equal once samples suffice, step by step', async () => {
    const { actions, state } = await drive({ ...control }, 2);
    expect(actions.some((a) => a.action === 'rollback')).toBe(false);
    expect(actions.filter((a) => a.action === 'advance').map((a) => a.to)).toEqual([5, 25, 50]);
    expect(actions.at(-1)!.action).toBe('promote');
    expect(state.current().flags[FLAG]).toMatchObject({ percentage: 100, rolloutStatus: 'promoted' });
    // Never before the 48 h hold of a model swap: the first advance comes after four 12 h looks.
    expect(actions.findIndex((a) => a.action === 'advance')).toBeGreaterThanOrEqual(4);
    const audit = await state.audit.list({ target: FLAG });
    expect(audit.map((e) => e.action).reverse()).toEqual(['rollout-start', 'rollout-advance', 'rollout-advance', 'rollout-advance', 'rollout-promote']);
  });

  it('rolls back a treatment that doubles the error rate', async () => {
    const { actions } = await drive({ ...control, errorRate: 0.1 }, 3);
    expect(actions.at(-1)!.action).toBe('rollback');
    expect(actions.at(-1)!.reasons.join(' ')).toMatch(/error rate .*: more errors than control/);
  });
});

describe('sample ratio mismatch', () => {
  it.each([
    [0.5, 'promote'],
    [0.52, 'continue'],
  ])('with %s of units on control the verdict is %s', async (controlShare, expected) => {
    const metrics = new MemoryMetricStore();
    simulateUnits(metrics, seededRandom(7), {
      flagKey: FLAG,
      units: 40_000,
      shares: { control: controlShare, treatment: 1 - controlShare },
      behaviour: { control, treatment: control },
      at: T0,
      unitPrefix: 'u',
    });
    const report = await analyzeImpact(metrics, FLAG, { control: 'control', expectedShares: { control: 50, treatment: 50 } });
    const verdict = decide(report);
    expect(verdict.decision).toBe(expected);
    if (expected === 'continue') {
      expect(report.srm!.mismatch).toBe(true);
      expect(verdict.reasons[0]).toMatch(/^sample ratio mismatch \(control 5\d(\.\d)? % \(expected 50 %\)/);
    }
  });
});

describe('sequential gate under A/A', () => {
  it('keeps the false rollback rate at or below alpha over 1,000 runs checked 20 times each', async () => {
    const runs = 1_000;
    const looks = 20;
    const alpha = 0.05;
    let falseRollbacks = 0;
    const rand = seededRandom(20261125);
    for (let run = 0; run < runs; run++) {
      const metrics = new MemoryMetricStore();
      for (let look = 0; look < looks; look++) {
        simulateUnits(metrics, rand, {
          flagKey: FLAG,
          units: 16,
          shares: { control: 0.5, treatment: 0.5 },
          behaviour: { control, treatment: control },
          at: T0,
          unitPrefix: `r${run}l${look}`,
          // Unit counts play no part in a rollback (only in promotion and SRM); without unit ids the
          // HyperLogLog stays unallocated and 20,000 analyses fit the time budget.
          withoutUnitIds: true,
        });
        // p95 never triggers a rollback (no sequential method for it), so the A/A check leaves out its costly comparison.
        const report = await analyzeImpact(metrics, FLAG, { control: 'control', alpha, metrics: ['quality', 'latencyMean', 'cost', 'errorRate'] });
        const verdict = decide(report);
        if (verdict.decision === 'rollback') {
          falseRollbacks++;
          break;
        }
      }
    }
    // Observed with this seed: see the message on failure; the bound is the claim.
    expect(falseRollbacks / runs, `${falseRollbacks} false rollbacks in ${runs} runs`).toBeLessThanOrEqual(alpha);
  });
});

describe('sample ratio check against configured shares', () => {
  it('flags a treatment that got no traffic at all under a 50/50 split', async () => {
    const metrics = new MemoryMetricStore();
    simulateUnits(metrics, seededRandom(3), { flagKey: FLAG, units: 500, shares: { control: 1 }, behaviour: { control }, at: T0, unitPrefix: 'u' });
    const report = await analyzeImpact(metrics, FLAG, { control: 'control', expectedShares: { control: 50, treatment: 50 } });
    expect(report.srm).toMatchObject({ variants: ['control', 'treatment'], mismatch: true });
    expect(report.srm!.observed[1]).toBe(0);
    expect(decide(report).decision).toBe('continue');
  });
});
