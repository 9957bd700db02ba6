import { describe, expect, it } from 'vitest';
import { validateFlags } from '@aiflags/core';
import { MemoryMetricStore } from '@aiflags/metrics';
import { measureFlag } from '@aiflags/ai';
import { renderHtmlReport } from '../src/html-report/render-html-report.js';
import { seededRandom, simulateUnits } from '@aiflags/testing';

describe('the HTML report with named scores and time to first token', () => {
  it('draws a row per named score, marks guardrails, and adds p95 TTFT only when measured', async () => {
    const flags = validateFlags(
      {
        flags: {
          p: {
            variants: { a: 'x', b: 'y' },
            defaultVariant: 'a',
            split: { a: 50, b: 50 },
            metrics: { toxicity: { direction: 'lower', guardrail: true } },
          },
        },
      },
      'flags.yaml',
    );
    const at = Date.UTC(2026, 10, 1);
    const metrics = new MemoryMetricStore({ clock: () => at });
    const base = { quality: 4, scores: { toxicity: 1, helpfulness: 3 } };
    simulateUnits(metrics, seededRandom(3), { flagKey: 'p', units: 600, shares: { a: 0.5, b: 0.5 }, behaviour: { a: base, b: base }, at, unitPrefix: 'u' });
    const { report, verdict } = await measureFlag(metrics, flags.flags.get('p')!, { now: at + 3_600_000 });
    const html = renderHtmlReport({ report, verdict, history: [], generatedAt: new Date(at).toISOString() });
    expect(html).toContain('data-metric="scores.toxicity"');
    expect(html).toContain('<td>toxicity (guardrail)</td>');
    expect(html).toContain('data-metric="scores.helpfulness"');
    expect(html).not.toContain('data-metric="ttftP95"');
  });
});
