import { describe, expect, it } from 'vitest';
import { OpenFeature } from '@openfeature/server-sdk';
import { MemoryMetricStore } from '@aiflags/metrics';
import { aiFlags, analyzeImpact, decide } from '../src/index.js';
import { normal, seededRandom } from '@aiflags/testing';

const FLAG = 'chat-model';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function tracked(metrics = new MemoryMetricStore()) {
  const ai = aiFlags(OpenFeature.getClient('track-stream'), { metrics, meter: false, track: false });
  return { metrics, tracker: ai.tracker({ flagKey: FLAG, variant: 'claude', ctx: { targetingKey: 'u1' } }) };
}

interface Chunk {
  text: string;
  usage?: { prompt_tokens: number; completion_tokens: number };
}

describe('tracker.trackStream', () => {
  it('measures a generator with known delays within 5 ms, passing every chunk through untouched', async () => {
    const { metrics, tracker } = tracked();
    const chunks: Chunk[] = [{ text: 'Hel' }, { text: 'lo' }, { text: '', usage: { prompt_tokens: 12, completion_tokens: 2 } }];
    const yieldedAt: number[] = [];
    let returnedAt = Number.NaN;
    const start = performance.now();
    async function* model(): AsyncGenerator<Chunk> {
      for (const [i, delay] of [40, 25, 25].entries()) {
        await sleep(delay);
        yieldedAt.push(performance.now() - start);
        yield chunks[i]!;
      }
      // The stream's known end: when the generator returns (the consumer's loop may exit later on a busy machine).
      returnedAt = performance.now() - start;
    }
    const stream = tracker.trackStream(model(), {
      usage: (c) => (c.usage ? { inputTokens: c.usage.prompt_tokens, outputTokens: c.usage.completion_tokens } : undefined),
    });
    const seen: Chunk[] = [];
    for await (const chunk of stream) seen.push(chunk);
    expect(seen).toHaveLength(3);
    for (const [i, c] of seen.entries()) expect(c).toBe(chunks[i]);
    const t = stream.timing;
    expect(t.chunks).toBe(3);
    expect(Math.abs(t.ttftMs! - yieldedAt[0]!)).toBeLessThan(5);
    expect(t.ttftMs!).toBeGreaterThanOrEqual(39);
    expect(Math.abs(t.durationMs! - returnedAt)).toBeLessThan(5);
    expect(t.durationMs!).toBeGreaterThanOrEqual(89);
    const agg = (await metrics.query(FLAG))['claude']!;
    expect(agg.ttft).toMatchObject({ count: 1, mean: t.ttftMs });
    expect(agg.latency).toMatchObject({ count: 1, mean: t.durationMs });
    expect(agg.ttftSketch.count).toBe(1);
    expect(agg.latencySketch.count).toBe(1);
    expect([agg.inputTokens, agg.outputTokens, agg.errors]).toEqual([12, 2, 0]);
  });

  it('lets an error midway reach the caller as it came, and keeps the partial timing with error: true', async () => {
    const { metrics, tracker } = tracked();
    const failure = new Error('connection reset');
    async function* model(): AsyncGenerator<string> {
      yield 'partial';
      await sleep(10);
      throw failure;
    }
    const stream = tracker.trackStream(model());
    const seen: string[] = [];
    let caught: unknown;
    try {
      for await (const chunk of stream) seen.push(chunk);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBe(failure);
    expect(seen).toEqual(['partial']);
    expect(stream.timing).toMatchObject({ chunks: 1, error: true });
    expect(stream.timing.durationMs!).toBeGreaterThanOrEqual(9);
    const agg = (await metrics.query(FLAG))['claude']!;
    expect([agg.errors, agg.ttft.count, agg.latency.count]).toEqual([1, 1, 1]);
  });

  it('records once when the consumer stops early, and a throwing usage reader never breaks the stream', async () => {
    const { metrics, tracker } = tracked();
    let returned = false;
    async function* model(): AsyncGenerator<number> {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        returned = true;
      }
    }
    const stream = tracker.trackStream(model(), {
      usage: () => {
        throw new Error('bad reader');
      },
    });
    for await (const n of stream) if (n === 4) break;
    expect(returned).toBe(true);
    expect(stream.timing.chunks).toBe(5);
    const agg = (await metrics.query(FLAG))['claude']!;
    expect([agg.outcomes, agg.errors]).toEqual([1, 0]);
  });
});

describe('time to first token in the gate', () => {
  const T0 = Date.UTC(2026, 10, 1);
  function simulate(ttftFactor: number, seed: number) {
    const metrics = new MemoryMetricStore({ clock: () => T0 });
    const rand = seededRandom(seed);
    const gauss = normal(rand);
    for (let i = 0; i < 4_000; i++) {
      const variant = i % 2 ? 'treatment' : 'control';
      const unitId = `u${i}`;
      const ttft = 300 * (variant === 'treatment' ? ttftFactor : 1) * Math.exp(0.3 * gauss());
      metrics.recordExposure({ flagKey: FLAG, variant, unitId, at: T0 });
      metrics.record({ flagKey: FLAG, variant, unitId, at: T0, quality: 4 + gauss(), latencyMs: 800 * Math.exp(0.3 * gauss()), ttftMs: ttft, error: false });
    }
    return metrics;
  }

  it('rolls back a treatment whose time to first token is 40 % slower, naming it', async () => {
    const report = await analyzeImpact(simulate(1.4, 21), FLAG, { control: 'control' });
    const t = report.treatments[0]!;
    expect(t.ttftP95!.relative!).toBeGreaterThan(0.3);
    expect(t.ttftMean!.relative!).toBeGreaterThan(0.3);
    const verdict = decide(report);
    expect(verdict.decision).toBe('rollback');
    expect(verdict.reasons).toEqual([expect.stringMatching(/^mean time to first token \+\d+.* ms .*: more than 10 % slower than control$/)]);
  });

  it('promotes an equal treatment, with p95 time to first token among the reasons', async () => {
    const report = await analyzeImpact(simulate(1, 22), FLAG, { control: 'control' });
    expect(report.variants[0]!.ttftP95!).toBeGreaterThan(300);
    const verdict = decide(report);
    expect(verdict.decision).toBe('promote');
    expect(verdict.reasons).toContainEqual(expect.stringMatching(/^p95 time to first token .*: within \+10 %$/));
  });
});
