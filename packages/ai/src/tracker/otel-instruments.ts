import { createRequire } from 'node:module';
import type { Meter, MeterProvider, ObservableCounter } from '@opentelemetry/api';
import type { OtelAttributes, OtelHistogram, OtelMeter } from './otel-meter.js';

const METER_NAME = '@aiflags/ai';

/** Index of each running sum in a series. */
export const Sum = { requests: 0, errors: 1, cost: 2, inputTokens: 3, outputTokens: 4, feedbackPositive: 5, feedbackNegative: 6 } as const;
const SUM_COUNT = 7;

/** One attribute set (flag, variant, model, provider) and its running counter sums. */
export interface OtelSeries {
  readonly attributes: OtelAttributes;
  readonly sums: Float64Array;
  /** The attributes plus `gen_ai.evaluation.name`, per score name, made on first use. */
  scoreAttributes?: Map<string, OtelAttributes>;
}

/** Score names given their own attribute set per series; beyond it a score shares the series' attributes. */
const MAX_SCORE_NAMES = 64;

/** Attribute sets kept before new ones share one overflow series (OpenTelemetry's cardinality-limit convention). */
const MAX_SERIES = 2_000;

/**
 * The OpenTelemetry side of the tracker. Histograms (operation duration in seconds, quality) are recorded
 * per outcome. Counters (requests, errors, cost, tokens, feedback) are kept as plain sums per attribute
 * set and reported through observable counters at collection time: the SDK hashes the attribute set on
 * every synchronous call, which made five counter calls per outcome the most expensive part of the path.
 */
export class OtelInstruments {
  /** `gen_ai.client.operation.duration`, seconds (the GenAI semantic convention's unit). */
  readonly duration: OtelHistogram;
  /** `aiflags.ai.quality`: quality scores, whatever scale the app uses. */
  readonly quality: OtelHistogram;
  /**
   * `gen_ai.server.time_to_first_token`, seconds: the GenAI convention's instrument for time to first token,
   * here measured at the client by `trackStream`.
   */
  readonly timeToFirstToken: OtelHistogram;
  /** `aiflags.ai.score`: named scores and judge scores, by `gen_ai.evaluation.name` (the GenAI evaluation attribute). */
  readonly score: OtelHistogram;
  private readonly series = new Map<string, OtelSeries>();
  private overflow: OtelSeries | undefined;

  constructor(given: OtelMeter) {
    const meter = given as unknown as Meter;
    this.duration = meter.createHistogram('gen_ai.client.operation.duration', { unit: 's', description: 'Duration of a model call' });
    this.quality = meter.createHistogram('aiflags.ai.quality', { unit: '1', description: 'Quality score of a response' });
    this.timeToFirstToken = meter.createHistogram('gen_ai.server.time_to_first_token', {
      unit: 's',
      description: 'Time to the first chunk of a streamed answer',
    });
    this.score = meter.createHistogram('aiflags.ai.score', {
      unit: '1',
      description: 'Named score of a response (an app score or a judge), by gen_ai.evaluation.name',
    });
    const counter = (name: string, unit: string, description: string): ObservableCounter => meter.createObservableCounter(name, { unit, description });
    const requests = counter('aiflags.ai.requests', '{request}', 'Model calls with a known outcome');
    const errors = counter('aiflags.ai.errors', '{request}', 'Model calls that failed');
    const cost = counter('aiflags.ai.cost', 'USD', 'Cost of model calls');
    const inputTokens = counter('gen_ai.usage.input_tokens', '{token}', 'Input tokens used');
    const outputTokens = counter('gen_ai.usage.output_tokens', '{token}', 'Output tokens used');
    const feedback = counter('aiflags.ai.feedback', '{feedback}', 'User feedback on responses, by aiflags.feedback.kind');
    meter.addBatchObservableCallback(
      (observer) => {
        for (const s of this.allSeries()) {
          const { attributes: a, sums } = s;
          if (sums[Sum.requests]) observer.observe(requests, sums[Sum.requests]!, a);
          if (sums[Sum.errors]) observer.observe(errors, sums[Sum.errors]!, a);
          if (sums[Sum.cost]) observer.observe(cost, sums[Sum.cost]!, a);
          if (sums[Sum.inputTokens]) observer.observe(inputTokens, sums[Sum.inputTokens]!, a);
          if (sums[Sum.outputTokens]) observer.observe(outputTokens, sums[Sum.outputTokens]!, a);
          if (sums[Sum.feedbackPositive]) observer.observe(feedback, sums[Sum.feedbackPositive]!, { ...a, 'aiflags.feedback.kind': 'positive' });
          if (sums[Sum.feedbackNegative]) observer.observe(feedback, sums[Sum.feedbackNegative]!, { ...a, 'aiflags.feedback.kind': 'negative' });
        }
      },
      [requests, errors, cost, inputTokens, outputTokens, feedback],
    );
  }

  /** The series of one evaluation's attributes; trackers look it up once and then only add to its sums. */
  seriesFor(flagKey: string, variant: string, model?: string, provider?: string): OtelSeries {
    const key = `${flagKey}\u0000${variant}\u0000${model ?? ''}\u0000${provider ?? ''}`;
    let s = this.series.get(key);
    if (s) return s;
    if (this.series.size >= MAX_SERIES) {
      this.overflow ??= { attributes: { 'otel.metric.overflow': true }, sums: new Float64Array(SUM_COUNT) };
      return this.overflow;
    }
    s = { attributes: flagAttributes(flagKey, variant, model, provider), sums: new Float64Array(SUM_COUNT) };
    this.series.set(key, s);
    return s;
  }

  /** Records a named score of a response in `series`; a non-finite value is left out. */
  recordScore(series: OtelSeries, name: string, value: number): void {
    if (!Number.isFinite(value)) return;
    series.scoreAttributes ??= new Map();
    let attrs = series.scoreAttributes.get(name);
    if (attrs === undefined) {
      attrs = series.scoreAttributes.size < MAX_SCORE_NAMES ? { ...series.attributes, 'gen_ai.evaluation.name': name } : series.attributes;
      series.scoreAttributes.set(name, attrs);
    }
    this.score.record(value, attrs);
  }

  private *allSeries(): Iterable<OtelSeries> {
    yield* this.series.values();
    if (this.overflow) yield this.overflow;
  }
}

/** Where trackers get their instruments: asked once per tracker, so a global meter can appear late. */
export type OtelSource = () => OtelInstruments | undefined;

const none: OtelSource = () => undefined;

/**
 * The instruments for `meter`; `false` turns OpenTelemetry off. Without a meter, the global meter provider
 * of `@opentelemetry/api` (an optional peer, loaded with a synchronous `require` so `aiFlags()` stays
 * synchronous) is looked up for each tracker: an app that starts its OpenTelemetry SDK after creating
 * `aiFlags()` still gets its metrics, and while only the API's no-op provider is there, outcomes skip
 * OpenTelemetry instead of computing attribute sets for a meter that drops them.
 */
export function otelSource(given?: OtelMeter | false): OtelSource {
  // An OtelMeter is the caller's OpenTelemetry Meter, typed structurally (see otel-meter.ts).
  const meter = given as unknown as Meter | false | undefined;
  if (meter === false) return none;
  if (meter) {
    const instruments = new OtelInstruments(meter);
    return () => instruments;
  }
  const api = loadOtelApi();
  if (!api) return none;
  const noop = api.createNoopMeter();
  let provider: MeterProvider | undefined;
  let instruments: OtelInstruments | undefined;
  return () => {
    const current = api.metrics.getMeterProvider();
    if (current !== provider) {
      provider = current;
      const m = current.getMeter(METER_NAME);
      instruments = m === noop ? undefined : new OtelInstruments(m);
    }
    return instruments;
  };
}

function loadOtelApi(): typeof import('@opentelemetry/api') | undefined {
  try {
    return createRequire(import.meta.url)('@opentelemetry/api') as typeof import('@opentelemetry/api');
  } catch {
    return undefined;
  }
}

/** The attributes every measurement of one flag evaluation carries (OpenTelemetry semantic conventions). */
export function flagAttributes(flagKey: string, variant: string, model?: string, provider?: string): OtelAttributes {
  const attrs: OtelAttributes = { 'feature_flag.key': flagKey, 'feature_flag.result.variant': variant };
  if (model !== undefined) attrs['gen_ai.request.model'] = model;
  if (provider !== undefined) attrs['gen_ai.provider.name'] = provider;
  return attrs;
}
