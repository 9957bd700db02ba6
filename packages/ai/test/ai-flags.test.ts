import { describe, expect, it } from 'vitest';
import { metrics } from '@opentelemetry/api';
import { InMemoryProvider, OpenFeature, type EvaluationContext, type ResolutionDetails, type TrackingEventDetails } from '@openfeature/server-sdk';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { aiFlags, FeatureDisabledError, fillTemplate } from '../src/index.js';
import { MemoryMetricStore } from '@aiflags/metrics';

/** The SDK's own in-memory provider, plus what a real backend adds: track() and flag metadata on switches. */
class RecordingProvider extends InMemoryProvider {
  readonly tracked: Array<{ name: string; ctx: EvaluationContext; details: TrackingEventDetails }> = [];
  track(name: string, ctx: EvaluationContext, details: TrackingEventDetails): void {
    this.tracked.push({ name, ctx, details });
  }
  override async resolveBooleanEvaluation(flagKey: string, def: boolean, ctx?: EvaluationContext): Promise<ResolutionDetails<boolean>> {
    const details = await super.resolveBooleanEvaluation(flagKey, def, ctx);
    return flagKey === 'agent_enabled' && details.value === false ? { ...details, flagMetadata: { killSwitch: true, retryAfter: 60 } } : details;
  }
}

const flagConfig = {
  'chat-model': {
    variants: {
      control: { model: 'gpt-4o', provider: 'openai', temperature: 0.7 },
      treatment: { model: 'claude-sonnet-4', provider: 'anthropic', temperature: 0.2, maxTokens: 512 },
    },
    defaultVariant: 'control',
    disabled: false,
    contextEvaluator: (ctx: EvaluationContext) => (ctx.targetingKey === 'u-treated' ? 'treatment' : 'control'),
  },
  'not-a-model': { variants: { a: { temperature: 1 } }, defaultVariant: 'a', disabled: false },
  'system-prompt': {
    variants: { a: 'Hello {{name}}, you are on {{ plan }}.', b: 'Be brief, {{name}}.' },
    defaultVariant: 'a',
    disabled: false,
  },
  temperature: { variants: { low: 0.2, high: 0.9 }, defaultVariant: 'high', disabled: false },
  agent_enabled: { variants: { on: true, killed: false }, defaultVariant: 'on', disabled: false },
  search_enabled: { variants: { on: true, off: false }, defaultVariant: 'off', disabled: false },
} as const;

let domainSeq = 0;
async function setup() {
  const provider = new RecordingProvider(flagConfig as never);
  const domain = `ai-flags-test-${domainSeq++}`;
  await OpenFeature.setProviderAndWait(domain, provider);
  const client = OpenFeature.getClient(domain);
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const meterProvider = new MeterProvider({ readers: [reader] });
  const store = new MemoryMetricStore();
  const flags = aiFlags(client, { metrics: store, meter: meterProvider.getMeter('test') });
  return { provider, client, flags, store, exporter, reader };
}

describe('model()', () => {
  it('returns model, provider and the rest of the object as params', async () => {
    const { flags } = await setup();
    const m = await flags.model('chat-model', { targetingKey: 'u-treated' }, { model: 'fallback-model' });
    expect(m).toMatchObject({
      model: 'claude-sonnet-4',
      provider: 'anthropic',
      params: { temperature: 0.2, maxTokens: 512 },
      variant: 'treatment',
      flagKey: 'chat-model',
    });
    expect(m.tracker.variant).toBe('treatment');
  });

  it.each([
    ['an unknown flag', 'no-such-flag'],
    ['an object without a model field', 'not-a-model'],
  ])('serves the caller fallback for %s, variant "fallback", no exposure', async (_label, flag) => {
    const { flags, store } = await setup();
    const m = await flags.model(flag, { targetingKey: 'u1' }, { model: 'gpt-4o-mini', provider: 'openai', temperature: 0 });
    expect(m).toMatchObject({ model: 'gpt-4o-mini', provider: 'openai', params: { temperature: 0 }, variant: 'fallback' });
    m.tracker.record({ quality: 3 });
    expect(Object.keys(await store.query(flag))).toEqual(flag === 'not-a-model' ? ['a'] : []);
  });

  it('records exposures directly when asked, without the hook', async () => {
    const { client } = await setup();
    const store = new MemoryMetricStore();
    const flags = aiFlags(client, { metrics: store, meter: false, exposures: 'direct' });
    await flags.model('chat-model', { targetingKey: 'u-treated' }, { model: 'x' });
    await flags.prompt('system-prompt', { targetingKey: 'u1' }, 'x');
    await flags.model('no-such-flag', { targetingKey: 'u1' }, { model: 'x' });
    expect((await store.query('chat-model'))['treatment']?.exposures).toBe(1);
    expect((await store.query('system-prompt'))['a']?.exposures).toBe(1);
    expect(await store.query('no-such-flag')).toEqual({});
  });

  it('records one exposure per evaluation with the unit, through the hook', async () => {
    const { flags, store } = await setup();
    for (let i = 0; i < 5; i++) await flags.model('chat-model', { targetingKey: `u${i}` }, { model: 'x' });
    await flags.model('chat-model', { targetingKey: 'u-treated' }, { model: 'x' });
    const agg = await store.query('chat-model');
    expect(agg['control']?.exposures).toBe(5);
    expect(agg['treatment']?.exposures).toBe(1);
    expect(Math.round(agg['control']!.units.estimate())).toBe(5);
  });
});

describe('prompt() and variant()', () => {
  it('fills {{var}} placeholders and leaves unknown ones visible', async () => {
    const { flags } = await setup();
    const p = await flags.prompt('system-prompt', { targetingKey: 'u1' }, 'fallback', { name: 'Ada', plan: 'pro' });
    expect(p).toMatchObject({ text: 'Hello Ada, you are on pro.', variant: 'a' });
    expect(fillTemplate('Hi {{who}} {{missing}}', { who: 'Bo' })).toBe('Hi Bo {{missing}}');
    expect(fillTemplate('{{n}} {{o}}', { n: 3, o: { a: 1 } })).toBe('3 {"a":1}');
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(fillTemplate('{{c}} {{b}}', { c: cyclic, b: { big: 1n } })).toBe('[object Object] [object Object]'); // JSON cannot write these; no throw
  });

  it('picks the OpenFeature method from the fallback type', async () => {
    const { flags } = await setup();
    expect(await flags.variant('temperature', { targetingKey: 'u1' }, 0.5)).toMatchObject({ value: 0.9, variant: 'high' });
    expect(await flags.variant('temperature', { targetingKey: 'u1' }, 'wrong type')).toMatchObject({ value: 'wrong type', variant: 'fallback' });
  });
});

describe('guard()', () => {
  it('is null while the switch is on', async () => {
    const { flags } = await setup();
    expect(await flags.guard('agent_enabled', { targetingKey: 'u1' })).toBeNull();
    await expect(flags.guardOrThrow('agent_enabled')).resolves.toBeUndefined();
  });

  it('denies with retryAfter from the backend metadata when switched off', async () => {
    const { flags, provider } = await setup();
    provider.putConfiguration({ ...flagConfig, agent_enabled: { ...flagConfig.agent_enabled, defaultVariant: 'killed' } } as never);
    expect(await flags.guard('agent_enabled')).toEqual({ error: 'Feature temporarily disabled', retryAfter: 60 });
    const err = await flags.guardOrThrow('agent_enabled').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FeatureDisabledError);
    expect((err as FeatureDisabledError).retryAfter).toBe(60);
  });

  it('uses 300 s when the backend gives no retryAfter, and fails open on an unknown switch', async () => {
    const { flags } = await setup();
    expect(await flags.guard('search_enabled')).toEqual({ error: 'Feature temporarily disabled', retryAfter: 300 });
    expect(await flags.guard('no_such_switch')).toBeNull();
  });
});

describe('tracker', () => {
  it('sends each outcome to OpenFeature track, OpenTelemetry and the metric store', async () => {
    const { flags, provider, store, exporter, reader } = await setup();
    const ctx = { targetingKey: 'u-treated' };
    const m = await flags.model('chat-model', ctx, { model: 'x' });
    const reply = await m.tracker.trackDurationOf(async () => 'ok');
    expect(reply).toBe('ok');
    await expect(m.tracker.trackDurationOf(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    m.tracker.record({ quality: 4, costUsd: 0.002, inputTokens: 800, outputTokens: 200 });
    m.tracker.feedback('negative');

    // OpenFeature
    expect(provider.tracked.map((t) => t.name)).toEqual(['ai.duration', 'ai.duration', 'ai.outcome', 'ai.feedback']);
    expect(provider.tracked[2]!.details).toMatchObject({
      value: 4,
      flagKey: 'chat-model',
      variant: 'treatment',
      model: 'claude-sonnet-4',
      provider: 'anthropic',
      costUsd: 0.002,
      inputTokens: 800,
    });
    expect(provider.tracked[1]!.details).toMatchObject({ error: true });
    expect(provider.tracked[3]!.details).toMatchObject({ value: -1, kind: 'negative' });
    expect(provider.tracked[0]!.ctx.targetingKey).toBe('u-treated');

    // Metric store
    const agg = (await store.query('chat-model'))['treatment']!;
    expect(agg.latency.count).toBe(2);
    expect(agg.errors).toBe(1);
    expect(agg.quality.mean).toBe(4);
    expect(agg.cost.sum).toBeCloseTo(0.002);
    expect(agg.inputTokens).toBe(800);
    expect(agg.feedbackNegative).toBe(1);

    // OpenTelemetry, through a real MeterProvider and reader
    await reader.forceFlush();
    const metrics = exporter
      .getMetrics()
      .at(-1)!
      .scopeMetrics.flatMap((s) => s.metrics);
    const byName = new Map(metrics.map((md) => [md.descriptor.name, md]));
    const expectedAttrs = {
      'feature_flag.key': 'chat-model',
      'feature_flag.result.variant': 'treatment',
      'gen_ai.request.model': 'claude-sonnet-4',
      'gen_ai.provider.name': 'anthropic',
    };
    const duration = byName.get('gen_ai.client.operation.duration')!;
    expect(duration.descriptor.unit).toBe('s');
    expect(duration.dataPoints[0]!.attributes).toEqual(expectedAttrs);
    expect((duration.dataPoints[0]!.value as { count: number }).count).toBe(2);
    expect(byName.get('gen_ai.usage.input_tokens')!.dataPoints[0]!.value).toBe(800);
    expect(byName.get('gen_ai.usage.output_tokens')!.dataPoints[0]!.value).toBe(200);
    expect(byName.get('aiflags.ai.errors')!.dataPoints[0]!.value).toBe(1);
    expect(byName.get('aiflags.ai.requests')!.dataPoints[0]!.value).toBe(2);
    expect(byName.get('aiflags.ai.cost')!.dataPoints[0]!.value).toBeCloseTo(0.002);
    expect(byName.get('aiflags.ai.feedback')!.dataPoints[0]!.attributes).toMatchObject({ 'aiflags.feedback.kind': 'negative' });
  });

  it('uses the global meter provider, also one registered after aiFlags() was created', async () => {
    const { client } = await setup();
    const flags = aiFlags(client, { metrics: new MemoryMetricStore() }); // no meter: the global one
    const ctx = { targetingKey: 'u-treated' };
    (await flags.model('chat-model', ctx, { model: 'x' })).tracker.record({ latencyMs: 100, quality: 3 }); // API no-op provider: skipped

    const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
    expect(metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }))).toBe(true);
    try {
      (await flags.model('chat-model', ctx, { model: 'x' })).tracker.record({ latencyMs: 250, quality: 5 });
      await reader.forceFlush();
      const exported = exporter.getMetrics().at(-1)!.scopeMetrics;
      expect(exported.map((s) => s.scope.name)).toEqual(['@aiflags/ai']);
      const quality = exported[0]!.metrics.find((md) => md.descriptor.name === 'aiflags.ai.quality')!;
      expect(quality.dataPoints).toHaveLength(1);
      expect(quality.dataPoints[0]!.value).toMatchObject({ count: 1, sum: 5 }); // only the outcome after the SDK started
      expect(quality.dataPoints[0]!.attributes).toMatchObject({ 'feature_flag.result.variant': 'treatment' });
    } finally {
      metrics.disable();
    }
  });

  it('leaves non-finite numbers out of OpenTelemetry and records a negative latency as 0', async () => {
    const { flags, exporter, reader } = await setup();
    const m = await flags.model('chat-model', { targetingKey: 'u-treated' }, { model: 'x' });
    m.tracker.record({ latencyMs: 200, quality: 4, costUsd: 0.002 });
    m.tracker.record({ latencyMs: Number.NaN, quality: Number.POSITIVE_INFINITY, costUsd: Number.NaN, inputTokens: Number.NaN });
    m.tracker.record({ latencyMs: -3, error: false });
    await reader.forceFlush();
    const byName = new Map(
      exporter
        .getMetrics()
        .at(-1)!
        .scopeMetrics.flatMap((s) => s.metrics)
        .map((md) => [md.descriptor.name, md]),
    );
    expect(byName.get('gen_ai.client.operation.duration')!.dataPoints[0]!.value).toMatchObject({ count: 2, sum: 0.2, min: 0 });
    expect(byName.get('aiflags.ai.quality')!.dataPoints[0]!.value).toMatchObject({ count: 1, sum: 4 });
    expect(byName.get('aiflags.ai.cost')!.dataPoints[0]!.value).toBeCloseTo(0.002);
    expect(byName.has('gen_ai.usage.input_tokens')).toBe(false);
  });

  it('never throws into the request when a sink fails', async () => {
    const { client } = await setup();
    const broken = {
      recordExposure: () => {
        throw new Error('x');
      },
      record: () => {
        throw new Error('x');
      },
    };
    const flags = aiFlags(client, { metrics: broken, meter: false });
    const m = await flags.model('chat-model', { targetingKey: 'u1' }, { model: 'x' });
    expect(() => m.tracker.record({ quality: 1 })).not.toThrow();
    expect(m.model).toBe('gpt-4o');
  });
});
