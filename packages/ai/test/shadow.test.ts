import { describe, expect, it } from 'vitest';
import { InMemoryProvider, OpenFeature } from '@openfeature/server-sdk';
import { type FlagValue, validateFlags } from '@aiflags/core';
import { aiFlags, analyzeShadow, inShadowSample, type ReplayResult, type ShadowRun, ShadowRunner, shadowArm } from '../src/index.js';

const FLAG = 'support-model';
const T0 = Date.UTC(2026, 10, 1, 9, 0, 0);

function flagSet(shadow: Record<string, unknown> = { variant: 'treatment', rate: 1 }, extra: Record<string, unknown> = {}) {
  return validateFlags(
    {
      flags: {
        [FLAG]: {
          variants: { control: { model: 'small' }, treatment: { model: 'large' } },
          defaultVariant: 'control',
          shadow,
          ...extra,
        },
      },
    },
    'flags.yaml',
  );
}

/** A seeded generator (mulberry32), so the simulated model is the same on every run. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

describe('inShadowSample', () => {
  it('keeps the same request id in or out, hits its rate within 3 standard errors, and differs per flag', () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => `req-${i}`);
    const at10 = ids.filter((id) => inShadowSample(FLAG, id, 0.1));
    expect(ids.filter((id) => inShadowSample(FLAG, id, 0.1))).toEqual(at10);
    expect(Math.abs(at10.length - 2_000)).toBeLessThan(3 * Math.sqrt(20_000 * 0.1 * 0.9));
    const other = ids.filter((id) => inShadowSample('other-flag', id, 0.1));
    expect(other).not.toEqual(at10);
  });

  it('samples the same requests through the runner as through inShadowSample, from the flag file rate', async () => {
    const runner = new ShadowRunner({ flags: flagSet({ variant: 'treatment', rate: 0.25 }) });
    const sampled = Array.from({ length: 400 }, (_, i) => `req-${i}`).filter(
      (id) => runner.shadow(FLAG, { targetingKey: 'u' }, async () => 'x', { requestId: id }).sampled,
    );
    expect(sampled).toEqual(Array.from({ length: 400 }, (_, i) => `req-${i}`).filter((id) => inShadowSample(FLAG, id, 0.25)));
    await runner.drain();
    expect(runner.stats().flags[FLAG]).toMatchObject({ sampled: sampled.length, ran: sampled.length });
  });
});

describe('ShadowRunner', () => {
  it('returns before the candidate starts, and the served request never waits for it', async () => {
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const runner = new ShadowRunner({ flags: flagSet() });
    const run: ShadowRun = async (value) => {
      order.push(`shadow started with ${(value as { model: string }).model}`);
      await gate;
      order.push('shadow resolved');
      return { output: 'late', costUsd: 0.01 };
    };
    const ticket = runner.shadow(FLAG, { targetingKey: 'u1', requestId: 'r1' }, run);
    order.push('shadow() returned');
    await Promise.resolve();
    order.push('served answered');
    ticket.served({ variant: 'control', output: 'now', latencyMs: 5 });
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['shadow() returned', 'served answered', 'shadow started with large']);
    release();
    await runner.drain();
    expect(order.at(-1)).toBe('shadow resolved');
    const results = runner.results.results(FLAG);
    expect(results.map((r) => [r.caseId, r.variant, r.output])).toEqual([
      ['r1', 'control', 'now'],
      ['r1', shadowArm('treatment'), 'late'],
    ]);
  });

  it('counts failures and timeouts, records them as failed shadow results, and never throws', async () => {
    const runner = new ShadowRunner({ flags: flagSet(), timeoutMs: 20 });
    const throwing: ShadowRun = () => {
      throw new Error('model exploded');
    };
    const hanging: ShadowRun = () => new Promise(() => {});
    expect(() => runner.shadow(FLAG, {}, throwing, { requestId: 'a' })).not.toThrow();
    runner.shadow(FLAG, {}, async () => Promise.reject(new Error('rate limited')), { requestId: 'b' });
    runner.shadow(FLAG, {}, hanging, { requestId: 'c' });
    await runner.drain();
    expect(runner.stats().flags[FLAG]).toMatchObject({ sampled: 3, ran: 0, failed: 2, timedOut: 1 });
    const errors = Object.fromEntries(runner.results.results(FLAG).map((r) => [r.caseId, [r.ok, r.error]]));
    expect(errors).toEqual({ a: [false, 'model exploded'], b: [false, 'rate limited'], c: [false, 'timed out after 20 ms'] });
  });

  it('stops at once when the hourly budget is spent, and resumes the next hour', async () => {
    let now = T0;
    const runner = new ShadowRunner({ flags: flagSet(), hourlyBudgetUsd: 0.03, concurrency: 1, clock: () => now });
    let runs = 0;
    const run: ShadowRun = async () => {
      runs++;
      return { output: 'x', costUsd: 0.01 };
    };
    for (let i = 0; i < 10; i++) runner.shadow(FLAG, {}, run, { requestId: `r${i}` });
    await runner.drain();
    expect(runs).toBe(3);
    expect(runner.stats().flags[FLAG]).toMatchObject({ sampled: 10, ran: 3, skippedBudget: 7 });
    expect(runner.stats().budget).toMatchObject({ hourlyUsd: 0.03, pausedHours: 1 });
    expect(runner.shadow(FLAG, {}, run, { requestId: 'later' }).sampled).toBe(false);
    now += 3_600_000;
    expect(runner.shadow(FLAG, {}, run, { requestId: 'next-hour' }).sampled).toBe(true);
    await runner.drain();
    expect(runs).toBe(4);
  });

  it('names the flag and variant when the candidate has no value, and shadows nothing', () => {
    const warnings: string[] = [];
    const runner = new ShadowRunner({ shadows: { 'remote-flag': { variant: 'big', rate: 1 } }, warn: (m) => warnings.push(m) });
    expect(runner.shadow('remote-flag', {}, async () => 'x', { requestId: 'r' }).sampled).toBe(false);
    expect(warnings).toEqual([expect.stringMatching(/shadow of flag 'remote-flag': variant 'big' has no value .*shadows\.remote-flag\.value/)]);
    expect(new ShadowRunner({ shadows: { 'remote-flag': { variant: 'big', rate: 1, value: 'v' } } }).shadow('remote-flag', {}, async () => 'x').sampled).toBe(
      true,
    );
  });

  it('rejects a shadow variant the flag does not define, naming the file and field', () => {
    expect(() => flagSet({ variant: 'bigger', rate: 0.1 })).toThrow(
      /flags\.yaml: flag 'support-model', field 'shadow\.variant': variant 'bigger' is not defined; variants are: control, treatment/,
    );
    expect(() => flagSet({ variant: 'treatment', rate: 2 })).toThrow(/shadow\.rate.*expected a fraction from 0 to 1/s);
    const tiny = validateFlags({ flags: { tiny: { percentage: 10, shadow: { variant: 'on', rate: 1 } } } }, 'flags.yaml');
    expect(tiny.flags.get('tiny')!.definition.shadow).toEqual({ variant: 'on', rate: 1 });
  });
});

describe('shadow through aiFlags', () => {
  it('a kill switch turned off stops shadow runs already queued and new ones', async () => {
    const provider = new InMemoryProvider({
      'shadow-kill': { variants: { on: true, off: false }, defaultVariant: 'on', disabled: false },
    });
    await OpenFeature.setProviderAndWait('shadow-test', provider);
    const client = OpenFeature.getClient('shadow-test');
    const flags = aiFlags(client, { flags: flagSet({ variant: 'treatment', rate: 1, killSwitch: 'shadow-kill' }), track: false });
    let runs = 0;
    const run: ShadowRun = async () => {
      runs++;
      return 'x';
    };
    flags.shadow(FLAG, {}, run, { requestId: 'before' });
    await flags.shadows.drain();
    expect(runs).toBe(1);
    for (let i = 0; i < 5; i++) flags.shadow(FLAG, {}, run, { requestId: `queued-${i}` });
    provider.putConfiguration({ 'shadow-kill': { variants: { on: true, off: false }, defaultVariant: 'off', disabled: false } });
    await flags.shadows.drain();
    expect(runs).toBe(1);
    expect(flags.shadows.stats().flags[FLAG]).toMatchObject({ sampled: 6, ran: 1, skippedKilled: 5 });
  });

  it('judges both arms of each request, and analyzeShadow finds a candidate better on 80 % and worse on 20 % of requests', async () => {
    const random = seeded(16);
    const quality: Record<string, number> = {};
    const flags = aiFlags(OpenFeature.getClient('shadow-judged'), {
      flags: flagSet({ variant: 'treatment', rate: 1 }, { judges: { quality: { rate: 0.1 } } }),
      judges: { quality: (s) => quality[`${s.responseId}`] ?? 0 },
      track: false,
    });
    const worse = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const id = `req-${i}`;
      const base = 5 + random();
      const hurt = random() < 0.2;
      if (hurt) worse.add(id);
      quality[`${id}:control`] = base;
      quality[`${id}:${shadowArm('treatment')}`] = base + (hurt ? -1 : 0.5) + 0.1 * random();
      const run: ShadowRun = async (value: FlagValue) => ({ output: `${(value as { model: string }).model} answer`, latencyMs: 120, costUsd: 0.002 });
      const ticket = flags.shadow(FLAG, { targetingKey: `u${i}` }, run, { requestId: id, input: `question ${i}` });
      ticket.served({ variant: 'control', output: 'small answer', latencyMs: 100, costUsd: 0.001 });
    }
    await flags.shadows.drain();
    const report = analyzeShadow(flags.shadows.results.results(FLAG), { examples: worse.size });
    expect(report.control).toBe('control');
    const [treatment] = report.treatments;
    expect(treatment!.variant).toBe(shadowArm('treatment'));
    const q = treatment!.metrics.find((m) => m.metric === 'quality')!;
    expect(q.n).toBe(200);
    expect(q.winTieLoss.wins).toBe(200 - worse.size);
    expect(q.winTieLoss.losses).toBe(worse.size);
    expect(new Set(treatment!.worst.map((d) => d.caseId))).toEqual(worse);
    // The worst requests carry what the app sent, from the served record: a person reads what got worse.
    for (const d of treatment!.worst) expect(d.input).toBe(`question ${d.caseId.slice(4)}`);
    expect(treatment!.latency!.paired.diff).toBeCloseTo(20, 6);
  });

  it('writes results in batches while a write is in flight, in the order recorded, and one by one to a store without appendMany', async () => {
    const written: ReplayResult[] = [];
    const batches: number[] = [];
    const batched = {
      async *stream() {},
      append: async (r: ReplayResult) => {
        written.push(r);
      },
      appendMany: async (rs: readonly ReplayResult[]) => {
        batches.push(rs.length);
        await new Promise((resolve) => setTimeout(resolve, 5)); // a round trip to Redis
        written.push(...rs);
      },
    };
    const scores = { quality: 0.8 };
    const runner = new ShadowRunner({
      flags: flagSet({ variant: 'treatment', rate: 1 }, { judges: { quality: { rate: 1 } } }),
      judges: { quality: () => scores.quality },
      store: batched,
    });
    for (let i = 0; i < 300; i++) {
      runner
        .shadow(FLAG, { targetingKey: `u${i}` }, async () => 'shadow', { requestId: `r${i}` })
        .served({ variant: 'control', output: 'served', latencyMs: 1 });
    }
    await runner.drain();
    // Each arm is written when recorded and again with its judge score: 300 requests × 2 arms × 2 records.
    expect(runner.stats().persisted).toEqual({ written: 1200, failed: 0, dropped: 0, pending: 0 });
    expect(written).toHaveLength(1200);
    expect(batches.length).toBeLessThan(100);
    expect(Math.max(...batches)).toBeGreaterThan(10);
    // The record with the judge's score comes after the arm's first record, so the last one read wins.
    const last = new Map<string, ReplayResult>();
    for (const r of written) last.set(`${r.caseId}/${r.variant}`, r);
    expect(last.size).toBe(600);
    for (const r of last.values()) expect(r.scores.quality).toBe(0.8);

    const plain: ReplayResult[] = [];
    const oneByOne = new ShadowRunner({ flags: flagSet(), store: { async *stream() {}, append: async (r: ReplayResult) => void plain.push(r) } });
    for (let i = 0; i < 20; i++)
      oneByOne.shadow(FLAG, { targetingKey: `u${i}` }, async () => 'shadow', { requestId: `r${i}` }).served({ variant: 'control', latencyMs: 1 });
    await oneByOne.drain();
    expect(plain).toHaveLength(40);
    expect(oneByOne.stats().persisted).toMatchObject({ written: 40, failed: 0 });
  });

  it('keeps the input on the served record, cut past 4,000 characters, and without it when it is not JSON', async () => {
    const runner = new ShadowRunner({ flags: flagSet() });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const inputs: unknown[] = ['short question', { messages: [{ role: 'user', content: 'x'.repeat(5_000) }] }, cyclic];
    inputs.forEach((input, i) => {
      runner
        .shadow(FLAG, { targetingKey: `u${i}` }, async () => 'shadow', { requestId: `r${i}`, input })
        .served({ variant: 'control', output: 'served', latencyMs: 1 });
    });
    await runner.drain();
    const served = (id: string) => runner.results.get(FLAG, id, 'control')!;
    expect(served('r0').input).toBe('short question');
    expect(served('r1').input).toMatch(/^\{"messages":\[\{"role":"user","content":"x+… \(cut from 5043 characters\)$/);
    expect((served('r1').input as string).length).toBeLessThan(4_100);
    expect(served('r2').input).toBeUndefined();
    expect(served('r2').ok).toBe(true);
    // The shadow arm's record does not repeat it.
    expect(runner.results.get(FLAG, 'r0', shadowArm('treatment'))!.input).toBeUndefined();
  });
});
