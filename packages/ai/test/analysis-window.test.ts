import { describe, expect, it } from 'vitest';
import { analysisWindow, analyzeImpact, decide, renderImpactReport } from '../src/index.js';
import { MemoryMetricStore } from '@aiflags/metrics';
import { seededRandom, simulateUnits } from '@aiflags/testing';

const at = (hhmm: string) => Date.parse(`2026-12-02T${hhmm}:00.000Z`);
const running = (startedAt: string) => ({
  percentage: 5,
  rolloutStep: 1,
  stepStartedAt: new Date(at(startedAt)).toISOString(),
  rolloutStatus: 'running' as const,
});
const behaviour = { quality: 4, latencyMs: 700, costUsd: 0.002, errorRate: 0.02 };

/** `units` new units of chat-model at `when`, a `treated` fraction on the treatment, both behaving alike. */
function traffic(store: MemoryMetricStore, seed: number, units: number, treated: number, when: number, unitPrefix: string): void {
  const shares = { control: 1 - treated, treatment: treated };
  simulateUnits(store, seededRandom(seed), {
    flagKey: 'chat-model',
    units,
    shares,
    behaviour: { control: behaviour, treatment: behaviour },
    at: when,
    unitPrefix,
  });
}

describe('the report window', () => {
  it('at 05:41 during a step started 05:10 starts at 05:10, not 06:00, and says the hour from 05:00 is included', () => {
    const window = analysisWindow({ live: running('05:10'), now: at('05:41') });
    expect(window).toMatchObject({ since: at('05:10'), srmSince: at('06:00'), stepStartedAt: at('05:10'), fromStep: true });
    expect(window.notes).toEqual([
      "the rollout's current step started at 2026-12-02 05:10 UTC; the store keeps whole hours, so the hour from 2026-12-02 05:00 UTC is included (up to 10 min before the start)",
    ]);
  });

  it('never starts in the future: a step stamped by a clock ahead of this one starts now', () => {
    expect(analysisWindow({ live: running('06:30'), now: at('05:41') }).since).toBe(at('05:41'));
    expect(analysisWindow({ since: at('07:00'), now: at('05:41') }).since).toBe(at('05:41'));
  });

  it('a step on a whole hour has no partial hour and counts the SRM from its start', () => {
    expect(analysisWindow({ live: running('05:00'), now: at('05:41') })).toEqual({ since: at('05:00'), stepStartedAt: at('05:00'), fromStep: true, notes: [] });
  });

  it('an explicit start before the step skips the SRM check and says why; no running step means all data', () => {
    const window = analysisWindow({ live: running('05:10'), since: at('02:41'), now: at('05:41') });
    expect(window.skipSrm).toBe("the window starts before 2026-12-02 05:10 UTC, when the rollout's current step changed the split");
    expect(window.notes[0]).toContain('the hour from 2026-12-02 02:00 UTC is included');
    expect(analysisWindow({ live: { ...running('05:10'), rolloutStatus: 'promoted' }, now: at('05:41') })).toEqual({
      since: undefined,
      fromStep: false,
      notes: [],
    });
  });

  it('the report at 05:41 includes the partial hour, says since 05:10, and leaves the SRM for the first whole hour', async () => {
    const store = new MemoryMetricStore();
    // Traffic at 05:05 (the previous step, in the hour the step started) and at 05:20 (this step).
    traffic(store, 3, 400, 0.01, at('05:05'), 'early');
    traffic(store, 4, 400, 0.05, at('05:20'), 'late');
    const window = analysisWindow({ live: running('05:10'), now: at('05:41') });
    const report = await analyzeImpact(store, 'chat-model', {
      control: 'control',
      since: window.since!,
      srmSince: window.srmSince!,
      notes: window.notes,
      expectedShares: { control: 95, treatment: 5 },
    });
    // Both batches are in: the store cannot split the 05:00 hour.
    expect(report.variants.reduce((n, v) => n + v.size.exposures, 0)).toBe(800);
    expect(report.srm).toBeUndefined();
    expect(report.srmNotChecked).toContain('from 2026-12-02 06:00 UTC');
    const text = renderImpactReport(report, decide(report));
    expect(text.split('\n')[0]).toBe("chat-model — control 'control', 2026-12-02 05:10 → now UTC");
    expect(text.split('\n')[1]).toContain('the hour from 2026-12-02 05:00 UTC is included');
    expect(text).not.toContain('06:00 → ');
  });

  it('once the step has a whole hour, the SRM check counts from it and says so', async () => {
    const store = new MemoryMetricStore();
    traffic(store, 5, 2000, 0.05, at('06:20'), 'u');
    const window = analysisWindow({ live: running('05:10'), now: at('06:41') });
    const report = await analyzeImpact(store, 'chat-model', {
      control: 'control',
      since: window.since!,
      srmSince: window.srmSince!,
      expectedShares: { control: 95, treatment: 5 },
    });
    expect(report.srm).toMatchObject({ since: at('06:00'), mismatch: false });
    expect(renderImpactReport(report, decide(report))).toContain("(counted from 2026-12-02 06:00 UTC, the step's first whole hour)");
  });
});
