/**
 * A three-way prompt test ends with a verdict per arm and, when the evidence allows, a winner (issue #20).
 * Seeded simulations through the real metric store and analysis; the winner's probability of being best
 * is checked against the closed form for two arms and symmetry for three.
 */
import { describe, expect, it } from 'vitest';
import { evaluate, validateFlags } from '@aiflags/core';
import { HOUR_MS, normalCdf } from '@aiflags/metrics';
import { MemoryStateStore } from '@aiflags/file';
import { analyzeImpact, decide, expectedShares, probabilityBest, renderImpactReport, RolloutController } from '../src/index.js';
import { MemoryMetricStore } from '@aiflags/metrics';
import { seededRandom, simulateUnits, type VariantBehaviour } from '@aiflags/testing';

const FLAG = 'system-prompt';
const set = validateFlags(
  {
    flags: {
      [FLAG]: {
        changeType: 'system-prompt',
        variants: { helpful: 'Be helpful.', concise: 'Be brief.', expert: 'Be an expert.' },
        defaultVariant: 'helpful',
        split: { helpful: 34, concise: 33, expert: 33 },
      },
    },
  },
  'test-flags',
);
const base: VariantBehaviour = { quality: 4, latencyMs: 800, costUsd: 0.002, errorRate: 0.02 };

async function threeWay(behaviour: Record<'helpful' | 'concise' | 'expert', VariantBehaviour>, seed: number, units = 6_000) {
  const at = Date.UTC(2026, 10, 1);
  const metrics = new MemoryMetricStore({ clock: () => at + 3_600_000 });
  simulateUnits(metrics, seededRandom(seed), { flagKey: FLAG, units, shares: { helpful: 0.34, concise: 0.33, expert: 0.33 }, behaviour, at, unitPrefix: 'u' });
  const shares = expectedShares(set.flags.get(FLAG)!);
  const report = await analyzeImpact(metrics, FLAG, { control: 'helpful', ...(shares ? { expectedShares: shares } : {}) });
  return { report, verdict: decide(report) };
}

describe('a three-way prompt test (seeded)', () => {
  it('one arm clearly best and within budget: named the winner, with its evidence; the flag is promoted', async () => {
    const { report, verdict } = await threeWay({ helpful: base, concise: base, expert: { ...base, quality: 4.3 } }, 11);
    expect(verdict.decision).toBe('promote');
    expect(verdict.winner).toMatchObject({ variant: 'expert', isControl: false, metric: 'quality' });
    expect(verdict.winner!.ci[0]).toBeGreaterThan(0);
    expect(verdict.winner!.probabilityBest).toBeGreaterThan(0.99);
    expect(verdict.reasons[0]).toMatch(
      /^winner: 'expert', quality 4\.\d+ vs 4\.\d+ for '(helpful|concise)' \(\+0\.\d+, 95 % CI 0\.\d+ to 0\.\d+, p < 0\.001\), probability best \d+(\.\d+)? %$/,
    );
    expect(renderImpactReport(report, verdict)).toContain("winner: 'expert'");
  });

  it('the best arm over the cost budget: it is dropped, and the next best within budget wins', async () => {
    const { verdict } = await threeWay({ helpful: base, concise: { ...base, quality: 4.3 }, expert: { ...base, quality: 4.6, costUsd: 0.004 } }, 12);
    expect(verdict.treatments.find((t) => t.variant === 'expert')).toMatchObject({ decision: 'drop' });
    expect(verdict.dropped).toEqual(['expert']);
    expect(verdict.winner).toMatchObject({ variant: 'concise', runnerUp: 'helpful' });
    expect(verdict.decision).toBe('promote');
    expect(verdict.reasons.find((r) => r.startsWith('expert: drop — '))).toMatch(
      /cost per request \$0\.\d+ vs \$0\.\d+ .*significantly above the \+20 % budget/,
    );
  });

  it('all arms equal: no winner yet, with the scores per arm that would tell a margin-sized difference', async () => {
    const { verdict } = await threeWay({ helpful: base, concise: base, expert: base }, 13);
    expect(verdict.decision).toBe('continue');
    expect(verdict.winner).toBeUndefined();
    expect(verdict.noWinner).toMatchObject({ why: 'not-significant' });
    // ~2,000 scores per arm, sd ≈ 1: far more than the 2·1²·(1.96 + 0.84)²/0.2² + 1.96²/4 ≈ 393 that the
    // 0.2 margin (5 % of 4) needs, so the arms are within the margin; the observed gap needs many more.
    expect(verdict.noWinner!.withinMargin).toBeCloseTo(0.2, 1);
    expect(verdict.noWinner!.scoresNeededPerArm).toBeGreaterThan(5_000);
    expect(verdict.reasons.join('\n')).toMatch(
      /no winner yet: '\w+' leads '\w+' on quality by .*; with \d+ scores per arm they are within the 0\.\d+ quality margin of each other; telling the observed 0\.\d+ apart takes about \d+ quality scores per arm \(\d+ more\)/,
    );
  });

  it('all arms equal and few scores: no winner yet, with the scores a margin-sized difference needs', async () => {
    const { verdict } = await threeWay({ helpful: base, concise: base, expert: base }, 16, 450);
    expect(verdict.winner).toBeUndefined();
    // sd ≈ 1, margin 0.2: ≈ 393 per arm (Guenther's formula; the tolerance covers the sample sd).
    expect(verdict.noWinner!.scoresNeededPerArm).toBeGreaterThan(330);
    expect(verdict.noWinner!.scoresNeededPerArm).toBeLessThan(470);
    expect(verdict.reasons.join('\n')).toMatch(/telling a difference of 0\.\d+ apart takes about \d+ quality scores per arm \(\d+ more\)/);
  });

  it('an arm worse on quality is dropped, the others keep testing', async () => {
    const { verdict } = await threeWay({ helpful: base, concise: { ...base, quality: 3.6 }, expert: base }, 14, 1_500);
    expect(verdict.dropped).toEqual(['concise']);
    expect(verdict.decision).toBe('continue');
    expect(verdict.reasons[0]).toMatch(/^concise: drop — quality −0\.\d+ .*: worse than control$/);
  });

  it('every arm worse: the test rolls back to control', async () => {
    const { verdict } = await threeWay({ helpful: base, concise: { ...base, quality: 3.5 }, expert: { ...base, quality: 3.5 } }, 15);
    expect(verdict.decision).toBe('rollback');
    expect(verdict.dropped).toEqual(['concise', 'expert']);
  });
});

describe('probabilityBest', () => {
  it('two arms: Φ((μ₁ − μ₂)/√(σ₁² + σ₂²)) within 1e-6', () => {
    const a = { n: 400, mean: 4.1, sd: 1 };
    const b = { n: 300, mean: 4.0, sd: 1.2 };
    const se = Math.sqrt(1 / 400 + 1.44 / 300);
    expect(Math.abs(probabilityBest([a, b], 0) - normalCdf(0.1 / se))).toBeLessThan(1e-6);
    expect(Math.abs(probabilityBest([a, b], 1) - normalCdf(-0.1 / se))).toBeLessThan(1e-6);
  });

  it('three identical arms: 1/3 each within 1e-6; the three sum to 1', () => {
    const arm = { n: 100, mean: 3, sd: 0.5 };
    expect(Math.abs(probabilityBest([arm, arm, arm], 0) - 1 / 3)).toBeLessThan(1e-6);
    const arms = [
      { n: 200, mean: 4.05, sd: 1 },
      { n: 150, mean: 4.0, sd: 0.8 },
      { n: 180, mean: 3.9, sd: 1.1 },
    ];
    const total = [0, 1, 2].map((i) => probabilityBest(arms, i)).reduce((x, y) => x + y);
    expect(Math.abs(total - 1)).toBeLessThan(1e-6);
  });
});

describe('the rollout controller runs a three-way test per arm (seeded)', () => {
  it('drops the worse arm at once, keeps every other unit on its arm, and promotes the winner after the hold', async () => {
    let now = Date.UTC(2026, 10, 1);
    const state = new MemoryStateStore();
    const metrics = new MemoryMetricStore({ clock: () => now });
    const controller = new RolloutController({ state, metrics, flags: set, clock: () => now });
    const rand = seededRandom(21);
    const behaviour = { helpful: base, concise: { ...base, quality: 3.5 }, expert: { ...base, quality: 4.4 } };
    const traffic = (hours: number, tag: string) => {
      const shares = expectedShares(set.flags.get(FLAG)!, state.current().flags[FLAG])!;
      for (let h = 0; h < hours; h++) {
        now += HOUR_MS;
        simulateUnits(metrics, rand, {
          flagKey: FLAG,
          units: 300,
          shares: Object.fromEntries(Object.entries(shares).map(([v, p]) => [v, p / 100])),
          behaviour,
          at: now,
          unitPrefix: `${tag}${h}`,
        });
      }
    };

    expect((await controller.tick()).map((a) => a.action)).toEqual(['start']);
    traffic(6, 'a');
    const [drop] = await controller.tick();
    expect(drop).toMatchObject({ action: 'drop', dropped: ['concise'], from: 66, to: 49.254 }); // expert 33 of the remaining 67
    expect(state.current().flags[FLAG]).toMatchObject({ droppedVariants: ['concise'], rolloutStatus: 'running' });

    // Sticky: every unit on helpful or expert keeps its arm; concise's units now get one of the two.
    const users = Array.from({ length: 5_000 }, (_, i) => ({ targetingKey: `user-${i}` }));
    for (const ctx of users) {
      const before = evaluate(set, FLAG, ctx).variant;
      const after = evaluate(set, FLAG, ctx, state.current()).variant;
      if (before === 'concise') expect(['helpful', 'expert']).toContain(after);
      else expect(after).toBe(before);
    }

    traffic(12, 'b');
    const [early] = await controller.tick();
    expect(early!.action).toBe('hold');
    expect(early!.reasons[0]).toMatch(/^hold: 12 h of 24 h$/);
    traffic(13, 'c');
    const [promote] = await controller.tick();
    expect(promote, promote!.reasons.join('\n')).toMatchObject({ action: 'promote', variant: 'expert', to: 100 });
    expect(state.current().flags[FLAG]).toMatchObject({ variant: 'expert', rolloutStatus: 'promoted' });
    expect((await state.audit.list({ limit: 10 })).map((e) => e.action).reverse()).toEqual(['rollout-start', 'rollout-drop', 'rollout-promote']);
    for (const ctx of users.slice(0, 200)) expect(evaluate(set, FLAG, ctx, state.current()).variant).toBe('expert');
  });
});
