import type { Client, EvaluationContext, TrackingEventDetails } from '@openfeature/server-sdk';
import type { TokenPrices } from '@aiflags/core';
import { OUTCOME_METRIC_LIST, type Outcome, type OutcomeMeasurements, type ResponseStore } from '@aiflags/metrics';
import { Sum, type OtelInstruments, type OtelSeries, type OtelSource } from './otel-instruments.js';
import type { JudgeRunner } from '../judges/judge-runner.js';
import type { OutcomeRecorder } from '../store/recorder.js';
import { targetingKeyOf } from '../selection/safe-evaluate.js';
import { costFromPrices } from './cost-from-prices.js';

/** What the app reports about one model call: any of the measurements (quality, latencyMs, costUsd, tokens). */
export interface OutcomeInput extends OutcomeMeasurements {
  /** true for a failed call; false for a call known to have succeeded. */
  error?: boolean;
  /** Named scores (helpfulness, toxicity…), each compared per variant; declare direction and guardrail in the flag file's `metrics`. */
  scores?: Record<string, number>;
  /** Input tokens read from a cache (part of inputTokens), priced at the cached-input price when cost is computed. */
  cachedInputTokens?: number;
}

export type FeedbackKind = 'positive' | 'negative';

/** Token counts a stream reports (usually in its last chunk); the last value reported for each wins. */
export interface StreamUsage {
  inputTokens?: number;
  outputTokens?: number;
}

export interface TrackStreamOptions<T> {
  /** Reads token counts from a chunk, when the provider reports them in the stream. */
  usage?: (chunk: T) => StreamUsage | undefined;
}

/** What was measured of a stream so far; final once the stream ends, fails or is abandoned. */
export interface StreamTiming {
  /** ms from trackStream() to the first chunk. */
  ttftMs?: number;
  /** ms from trackStream() to the end, the error, or the consumer stopping. */
  durationMs?: number;
  chunks: number;
  inputTokens?: number;
  outputTokens?: number;
  /** true when the stream threw. */
  error?: boolean;
}

/** The caller's stream, chunk for chunk, with its timing. */
export interface TrackedStream<T> extends AsyncIterable<T> {
  readonly timing: StreamTiming;
}

/** The response a call produced, for judges (input and output) and late feedback (the id). */
export interface ResponseInput {
  /** What the model answered. */
  output?: unknown;
  /** What was sent to the model. */
  input?: unknown;
  /** The app's own id for the response; default: the tracker's generated `responseId`. */
  id?: string;
}

/** Records outcomes of the calls made with one evaluated flag (the shape LaunchDarkly's AI SDK users know). */
export interface Tracker {
  readonly flagKey: string;
  readonly variant: string;
  /** Runs `fn`, records its latency (ms) and whether it threw; rethrows what it throws. */
  trackDurationOf<T>(fn: () => T | Promise<T>): Promise<T>;
  /**
   * Passes a streamed answer through untouched and records, once it ends: time to first token (`ttftMs`),
   * total duration (`latencyMs`), tokens when `usage` reads them, and whether it failed. An error midway
   * reaches the caller as it came; the partial timing is recorded with `error: true`.
   */
  trackStream<T>(stream: AsyncIterable<T>, options?: TrackStreamOptions<T>): TrackedStream<T>;
  record(outcome: OutcomeInput): void;
  feedback(kind: FeedbackKind): void;
  /** The response's id: the one given to `response({ id })` or the target, else a random UUID made on first read. */
  readonly responseId: string;
  /**
   * Reports the response this call produced: judged on the flag's sample (off the request path) and
   * remembered under its id for late feedback. Returns the id. Never throws.
   */
  response(r: ResponseInput): string;
}

/** Where a tracker sends outcomes: all three are optional so a tracker works with whatever is set up. */
export interface TrackerSinks {
  client?: Client;
  /** Judges run on a sample of responses. */
  judges?: JudgeRunner;
  /** Where response ids are remembered for late feedback. */
  responses?: ResponseStore;
  /** Token prices of a variant (USD per million tokens), for a cost when the app reports tokens but none. */
  prices?: (flagKey: string, variant: string) => TokenPrices | undefined;
  /** Asked once per tracker (see `otelSource`). */
  otel?: OtelSource;
  store?: OutcomeRecorder;
}

/** Event names handed to OpenFeature `track()`; hosted backends turn them into metrics. */
export const TrackEvents = {
  duration: 'ai.duration',
  outcome: 'ai.outcome',
  feedback: 'ai.feedback',
} as const;

export interface TrackerTarget {
  flagKey: string;
  variant: string;
  ctx: EvaluationContext;
  model?: string;
  provider?: string;
  /**
   * false when the evaluation failed and the caller's fallback was served: the unit is not part of the
   * experiment, so its outcomes go to OpenFeature and OpenTelemetry but not into the variant's aggregates.
   */
  inExperiment?: boolean;
  /** The response's id, when the app has its own. */
  responseId?: string;
}

export class OutcomeTracker implements Tracker {
  readonly flagKey: string;
  readonly variant: string;
  private readonly ctx: EvaluationContext;
  private readonly unitId: string | undefined;
  private readonly model: string | undefined;
  private readonly provider: string | undefined;
  private readonly store: OutcomeRecorder | undefined;
  private readonly otel: OtelInstruments | undefined;
  private otelSeries: OtelSeries | undefined;
  private id: string | undefined;
  private readonly inExperiment: boolean;

  constructor(
    private readonly sinks: TrackerSinks,
    target: TrackerTarget,
  ) {
    this.flagKey = target.flagKey;
    this.variant = target.variant;
    this.ctx = target.ctx;
    this.model = target.model;
    this.provider = target.provider;
    this.unitId = targetingKeyOf(target.ctx);
    this.inExperiment = target.inExperiment !== false;
    this.store = this.inExperiment ? sinks.store : undefined;
    this.otel = sinks.otel?.();
    this.id = target.responseId;
  }

  get responseId(): string {
    this.id ??= crypto.randomUUID();
    return this.id;
  }

  response(r: ResponseInput): string {
    if (typeof r?.id === 'string' && r.id.length > 0) this.id = r.id;
    const id = this.responseId;
    const responses = this.sinks.responses;
    if (responses && this.inExperiment) {
      const unit = this.unitId !== undefined ? { unitId: this.unitId } : {};
      safely(() => responses.remember(id, { flagKey: this.flagKey, variant: this.variant, ...unit, at: Date.now() }));
    }
    const judges = this.sinks.judges;
    if (judges && this.inExperiment) {
      judges.offer({ flagKey: this.flagKey, variant: this.variant, unitId: this.unitId, context: this.ctx }, id, r?.input, r?.output);
    }
    return id;
  }

  async trackDurationOf<T>(fn: () => T | Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      const result = await fn();
      this.record({ latencyMs: performance.now() - start, error: false });
      return result;
    } catch (err) {
      this.record({ latencyMs: performance.now() - start, error: true });
      throw err;
    }
  }

  trackStream<T>(stream: AsyncIterable<T>, options: TrackStreamOptions<T> = {}): TrackedStream<T> {
    const start = performance.now();
    const timing: StreamTiming = { chunks: 0 };
    const usage = options.usage;
    const finish = (error: boolean) => {
      timing.durationMs = performance.now() - start;
      if (error) timing.error = true;
      const o: OutcomeInput = { latencyMs: timing.durationMs, error };
      if (timing.ttftMs !== undefined) o.ttftMs = timing.ttftMs;
      if (timing.inputTokens !== undefined) o.inputTokens = timing.inputTokens;
      if (timing.outputTokens !== undefined) o.outputTokens = timing.outputTokens;
      this.record(o);
    };
    async function* passThrough(): AsyncGenerator<T> {
      let failed = false;
      try {
        for await (const chunk of stream) {
          if (timing.chunks === 0) timing.ttftMs = performance.now() - start;
          timing.chunks++;
          if (usage) readUsage(usage, chunk, timing);
          yield chunk;
        }
      } catch (error) {
        failed = true;
        throw error;
      } finally {
        finish(failed);
      }
    }
    return Object.assign(passThrough(), { timing });
  }

  record(reported: OutcomeInput): void {
    const o = this.withComputedCost(reported);
    const client = this.sinks.client;
    const otel = this.otel;
    const store = this.store;
    if (store) {
      const outcome: Outcome = { flagKey: this.flagKey, variant: this.variant, unitId: this.unitId };
      copyMeasurements(o, outcome);
      if (o.error !== undefined) outcome.error = o.error;
      if (o.scores !== undefined) outcome.scores = o.scores;
      safely(() => store.record(outcome));
    }
    if (otel) safely(() => this.recordOtel(otel, o));
    if (client) {
      // A latency-only outcome (from trackDurationOf) is its own event, with the latency as its value.
      const onlyDuration = o.latencyMs !== undefined && OUTCOME_METRIC_LIST.every((m) => m.field === 'latencyMs' || o[m.field] === undefined);
      const details = this.trackDetails(onlyDuration ? o.latencyMs : o.quality);
      copyMeasurements(o, details);
      if (o.error !== undefined) details['error'] = o.error;
      if (o.scores !== undefined) for (const name of Object.keys(o.scores)) details[`scores.${name}`] = o.scores[name]!;
      safely(() => client.track(onlyDuration ? TrackEvents.duration : TrackEvents.outcome, this.ctx, details));
    }
  }

  feedback(kind: FeedbackKind): void {
    const store = this.store;
    if (store) safely(() => store.record({ flagKey: this.flagKey, variant: this.variant, unitId: this.unitId, feedback: kind }));
    const otel = this.otel;
    if (otel) this.series(otel).sums[kind === 'positive' ? Sum.feedbackPositive : Sum.feedbackNegative]! += 1;
    const client = this.sinks.client;
    if (client) {
      const details = this.trackDetails(kind === 'positive' ? 1 : -1);
      details['kind'] = kind;
      safely(() => client.track(TrackEvents.feedback, this.ctx, details));
    }
  }

  /** The outcome with costUsd computed from the variant's prices when tokens came without a cost; a reported cost always wins. */
  private withComputedCost(o: OutcomeInput): OutcomeInput {
    const prices = this.sinks.prices;
    if (prices === undefined || o.costUsd !== undefined || (o.inputTokens === undefined && o.outputTokens === undefined)) return o;
    let cost: number | undefined;
    try {
      const p = prices(this.flagKey, this.variant);
      cost = p && costFromPrices(p, o);
    } catch {
      return o;
    }
    return cost === undefined ? o : { ...o, costUsd: cost, computedCosts: 1 };
  }

  private recordOtel(otel: OtelInstruments, o: OutcomeInput): void {
    const series = this.series(otel);
    const attrs = series.attributes;
    const sums = series.sums;
    // As in the metric store: a non-finite value is left out (one NaN would make a histogram's sum NaN for
    // good), and a negative latency is a clock step, recorded as 0.
    const latency = o.latencyMs;
    if (latency !== undefined && Number.isFinite(latency)) otel.duration.record(Math.max(0, latency) / 1000, attrs);
    if (o.quality !== undefined && Number.isFinite(o.quality)) otel.quality.record(o.quality, attrs);
    const ttft = o.ttftMs;
    if (ttft !== undefined && Number.isFinite(ttft)) otel.timeToFirstToken.record(Math.max(0, ttft) / 1000, attrs);
    if (o.scores !== undefined) for (const name of Object.keys(o.scores)) otel.recordScore(series, name, o.scores[name]!);
    if (o.error !== undefined) {
      sums[Sum.requests]! += 1;
      if (o.error) sums[Sum.errors]! += 1;
    }
    if (o.costUsd !== undefined && Number.isFinite(o.costUsd)) sums[Sum.cost]! += o.costUsd;
    if (o.inputTokens !== undefined && Number.isFinite(o.inputTokens)) sums[Sum.inputTokens]! += o.inputTokens;
    if (o.outputTokens !== undefined && Number.isFinite(o.outputTokens)) sums[Sum.outputTokens]! += o.outputTokens;
  }

  /** Looked up once per tracker: the attribute set is the same for every measurement of this evaluation. */
  private series(otel: OtelInstruments): OtelSeries {
    this.otelSeries ??= otel.seriesFor(this.flagKey, this.variant, this.model, this.provider);
    return this.otelSeries;
  }

  private trackDetails(value: number | undefined): TrackingEventDetails {
    const details: TrackingEventDetails = { flagKey: this.flagKey, variant: this.variant };
    if (value !== undefined) details.value = value;
    if (this.model !== undefined) details['model'] = this.model;
    if (this.provider !== undefined) details['provider'] = this.provider;
    return details;
  }
}

/** Takes the token counts a chunk reports; a throwing or odd `usage` reader is ignored, never breaks the stream. */
function readUsage<T>(usage: (chunk: T) => StreamUsage | undefined, chunk: T, timing: StreamTiming): void {
  try {
    const u = usage(chunk);
    if (typeof u?.inputTokens === 'number' && Number.isFinite(u.inputTokens)) timing.inputTokens = u.inputTokens;
    if (typeof u?.outputTokens === 'number' && Number.isFinite(u.outputTokens)) timing.outputTokens = u.outputTokens;
  } catch {
    // The caller's reader failed on this chunk: the chunk still goes through.
  }
}

/** Recording an outcome must never break the request it describes. */
function safely(fn: () => void): void {
  try {
    fn();
  } catch {
    // Metrics are best effort by design; stores count their own drops.
  }
}

/** Copies the measurements the app reported (every OUTCOME_METRICS field it set) onto an outcome or event. */
function copyMeasurements(from: OutcomeMeasurements, to: OutcomeMeasurements | TrackingEventDetails): void {
  for (const { field } of OUTCOME_METRIC_LIST) {
    const value = from[field];
    if (value !== undefined) to[field] = value;
  }
}
