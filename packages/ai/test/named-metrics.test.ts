import { describe, expect, it } from 'vitest';
import { validateFlags } from '@aiflags/core';
import { holmCorrection, MemoryMetricStore, welchTTest, momentsSummary } from '@aiflags/metrics';
import { OpenFeature } from '@openfeature/server-sdk';
import { aiFlags, analyzeImpact, measureFlag } from '../src/index.js';
import { seededRandom, simulateUnits, type VariantBehaviour } from '@aiflags/testing';

const T0 = Date.UTC(2026, 10, 1, 0, 0, 0);
const FLAG = 'support-prompt';

const flags = validateFlags(
  {
    changeTypes: { 'system-prompt': { metrics: { toxicity: { direction: 'lower', guardrail: true } } } },
    flags: {
      [FLAG]: {
        changeType: 'system-prompt',
        variants: { control: 'Be helpful.', treatment: 'Be brief.' },
        defaultVariant: 'control',
        split: { control: 50, treatment: 50 },
        metrics: { helpfulness: {} },
      },
    },
  },
  'test-flags',
);
const flag = flags.flags.get(FLAG)!;

const control: VariantBehaviour = { quality: 4, latencyMs: 800, costUsd: 0.002, errorRate: 0.02, scores: { toxicity: 1, helpfulness: 3 } };

async function measure(treatment: VariantBehaviour, seed: number, units = 4_000) {
  const metrics = new MemoryMetricStore({ clock: () => T0 });
  simulateUnits(metrics, seededRandom(seed), {
    flagKey: FLAG,
    units,
    shares: { control: 0.5, treatment: 0.5 },
    behaviour: { control, treatment },
    at: T0,
    unitPrefix: `s${seed}`,
  });
  return measureFlag(metrics, flag, { now: T0 + 3_600_000 });
}

describe('named metrics and guardrails over seeded traffic', () => {
  it('rolls back a variant worse only on a guardrail score, naming it', async () => {
    const { report, verdict } = await measure({ ...control, scores: { toxicity: 1.3, helpfulness: 3 } }, 11);
    const toxicity = report.treatments[0]!.scores!['toxicity']!;
    expect(toxicity).toMatchObject({ direction: 'lower', guardrail: true });
    expect(toxicity.diff).toBeGreaterThan(0.2);
    expect(verdict.decision).toBe('rollback');
    expect(verdict.reasons).toEqual([expect.stringMatching(/^guardrail toxicity \+0\.\d+ .*lower is better\): worse than control$/)]);
  });

  it('does not promote a variant better on quality but worse on a guardrail, and names the guardrail', async () => {
    const { verdict } = await measure({ ...control, quality: 4.3, scores: { toxicity: 1.12, helpfulness: 3 } }, 12);
    expect(verdict.decision).not.toBe('promote');
    expect(verdict.reasons.some((r) => r.startsWith('guardrail toxicity') && r.includes('worse than control'))).toBe(true);
  });

  it('promotes a variant equal on every score, saying the guardrail holds', async () => {
    const { report, verdict } = await measure({ ...control }, 13);
    expect(verdict.decision).toBe('promote');
    expect(verdict.reasons).toContainEqual(expect.stringMatching(/^guardrail toxicity .*: holds$/));
    // helpfulness is declared but not a guardrail: reported, never a reason.
    expect(report.treatments[0]!.scores!['helpfulness']).toMatchObject({ direction: 'higher', guardrail: false });
    expect(verdict.reasons.some((r) => r.includes('helpfulness'))).toBe(false);
  });

  it('holds promotion while a declared guardrail has no scores', async () => {
    const bare: VariantBehaviour = { quality: 4, latencyMs: 800, costUsd: 0.002, errorRate: 0.02 };
    const metrics = new MemoryMetricStore({ clock: () => T0 });
    const behaviour = { control: bare, treatment: bare };
    simulateUnits(metrics, seededRandom(14), { flagKey: FLAG, units: 4_000, shares: { control: 0.5, treatment: 0.5 }, behaviour, at: T0, unitPrefix: 'b' });
    const { verdict } = await measureFlag(metrics, flag, { now: T0 + 3_600_000 });
    expect(verdict.decision).toBe('continue');
    expect(verdict.reasons).toContain('guardrail toxicity: no scores for both groups yet (tracker.record({ scores: { toxicity } }) or a judge)');
  });

  it('gives each score Welch figures and a Holm-adjusted p over every score and treatment', async () => {
    const metrics = new MemoryMetricStore({ clock: () => T0 });
    const behaviour = {
      control,
      b: { ...control, scores: { toxicity: 1.05, helpfulness: 3.1 } },
      c: { ...control, scores: { toxicity: 1, helpfulness: 2.95 } },
    };
    simulateUnits(metrics, seededRandom(15), {
      flagKey: FLAG,
      units: 3_000,
      shares: { control: 1 / 3, b: 1 / 3, c: 1 / 3 },
      behaviour,
      at: T0,
      unitPrefix: 'h',
    });
    const report = await analyzeImpact(metrics, FLAG, { control: 'control', scoreMetrics: flag.definition.metrics });
    const aggregates = await metrics.query(FLAG);
    const family = report.treatments.flatMap((t) => Object.values(t.scores!));
    expect(family.map((d) => `${d.name}`)).toEqual(['helpfulness', 'toxicity', 'helpfulness', 'toxicity']);
    const expected = family.map((d, i) => {
      const variant = report.treatments[Math.floor(i / 2)]!.variant;
      return welchTTest(momentsSummary(aggregates['control']!.scores[d.name]!), momentsSummary(aggregates[variant]!.scores[d.name]!)).p;
    });
    expect(family.map((d) => d.p)).toEqual(expected);
    expect(family.map((d) => d.pAdjusted)).toEqual(holmCorrection(expected).adjusted);
    expect(report.variants[0]!.scores!['helpfulness']!.n).toBe(aggregates['control']!.scores['helpfulness']!.count);
  });
});

describe('tracker.record({ scores })', () => {
  it('lands each named score in the variant aggregate of the store', async () => {
    const metrics = new MemoryMetricStore();
    const ai = aiFlags(OpenFeature.getClient('named-metrics'), { metrics, meter: false, track: false });
    const tracker = ai.tracker({ flagKey: FLAG, variant: 'treatment', ctx: { targetingKey: 'u1' } });
    tracker.record({ scores: { helpfulness: 4 } });
    tracker.record({ quality: 5, scores: { helpfulness: 2, toxicity: 0.1 } });
    const agg = (await metrics.query(FLAG))['treatment']!;
    expect(agg.scores['helpfulness']).toMatchObject({ count: 2, mean: 3 });
    expect(agg.scores['toxicity']).toMatchObject({ count: 1, mean: 0.1 });
    expect(agg.quality.count).toBe(1);
  });
});
