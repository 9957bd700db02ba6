import type { Client, EvaluationContext, EvaluationDetails, FlagEvaluationOptions, FlagValue as OFValue, JsonValue, Logger } from '@openfeature/server-sdk';
import { DEFAULT_RETRY_AFTER_S, type FlagSet, type FlagValue, type TokenPrices } from '@aiflags/core';
import { guardSwitch, guardSwitchOrThrow, type GuardDenial, type GuardOptions } from './kill-switches/guard.js';
import type { ResponseStore } from '@aiflags/metrics';
import { type FeedbackResult, type FeedbackStats, type FeedbackValue, LateFeedback } from './feedback/late-feedback.js';
import type { Judge } from './judges/judge.js';
import { JudgeRunner, type JudgeRunnerOptions } from './judges/judge-runner.js';
import { isMisuse, logMisuse } from './misuse/misuse-log.js';
import { exposureHook, recordExposure } from './selection/exposure-hook.js';
import { safeEvaluate, selectionError, type SelectionError } from './selection/safe-evaluate.js';
import { fillTemplate } from './selection/template.js';
import { type ShadowCallOptions, type ShadowRun, ShadowRunner, type ShadowRunnerOptions, type ShadowTicket } from './shadow/shadow-runner.js';
import type { OutcomeRecorder } from './store/recorder.js';
import { otelSource } from './tracker/otel-instruments.js';
import type { OtelMeter } from './tracker/otel-meter.js';
import { OutcomeTracker, type Tracker, type TrackerSinks, type TrackerTarget } from './tracker/tracker.js';

export interface AiFlagsOptions {
  /** Where exposures and outcomes are aggregated for `analyzeImpact` (e.g. `FileMetricStore`). */
  metrics?: OutcomeRecorder;
  /**
   * OpenTelemetry meter; default: the global meter provider's, looked up per tracker when `@opentelemetry/api`
   * is installed (so an SDK started after `aiFlags()` is picked up); `false` turns it off.
   */
  meter?: OtelMeter | false;
  /** Seconds a refused caller should wait when the backend does not say (default 300). */
  retryAfterDefault?: number;
  /** Send outcomes to OpenFeature `client.track()` (default true). */
  track?: boolean;
  /**
   * How exposures reach `metrics`: `hook` (default) attaches an OpenFeature hook to each evaluation;
   * `direct` records from the evaluation result, skipping the SDK's hook stages (each stage is an extra
   * await in the server SDK, about a fifth of an evaluation's cost).
   */
  exposures?: 'hook' | 'direct';
  /**
   * Fail closed on an unknown kill switch: `guard` refuses a key the flags do not define (or a flag that is
   * not boolean) instead of allowing it. Default false (allowed, and logged once). Per call: `guard(name, ctx, { strict })`.
   */
  strict?: boolean;
  /**
   * Where misuse (an unknown key, a flag of the wrong type) is logged, once per key and process, as a warning.
   * Default: the client's OpenFeature logger (`client.setLogger()` / `OpenFeature.setLogger()`), else the console.
   */
  logger?: Logger;
  /**
   * Judges by name, run on a sample of responses (`tracker.response({ input, output })`) of the flags whose
   * file entry asks for them (`judges: { helpfulness: { rate: 0.1 } }`, with `judging.flags`) or of `judging.rates`.
   * Each score is recorded as the named metric of the judge's name.
   */
  judges?: Record<string, Judge>;
  /** Where rates come from and how judges run: queue, concurrency, timeout, hourly budget (see JudgeRunnerOptions). */
  judging?: Omit<JudgeRunnerOptions, 'judges' | 'store'>;
  /**
   * Where `tracker.response()` remembers response ids, so `feedback(responseId, …)` from another request or
   * process is attributed (MemoryResponseStore or FileResponseStore from @aiflags/file, RedisResponseStore).
   */
  responses?: ResponseStore;
  /** The named score a numeric `feedback(id, 4)` is recorded as (default `feedback`). */
  feedbackScore?: string;
  /** The flag file (or a getter for the current one), for what it declares beyond evaluation: `judges` and `prices`. */
  flags?: FlagSet | (() => FlagSet | undefined);
  /**
   * Token prices in code, flag key → variant → USD per million tokens; a flag listed here ignores the file's
   * `prices`. A call reporting tokens but no cost gets its cost from them (counted as computed in the report).
   */
  prices?: Record<string, Record<string, TokenPrices>>;
  /**
   * Shadow traffic (`flags.shadow()`): specs in code (`shadows`), queue, concurrency, timeout, hourly budget
   * and where results go. Flags come from `flags`, judges from `judges`, kill switches from `guard`.
   */
  shadowing?: Omit<ShadowRunnerOptions, 'flags' | 'judges' | 'killed'>;
}

/** A model configuration as the caller's fallback: `model` and `provider` plus any parameters. */
export interface ModelConfig {
  model: string;
  provider?: string;
  [param: string]: JsonValue | undefined;
}

export interface ModelSelection {
  model: string;
  provider: string | undefined;
  /** The variant object minus `model` and `provider` (temperature, max tokens, tools…). */
  params: Record<string, JsonValue>;
  /** The variant served, or `fallback` when the caller's fallback was used. */
  variant: string;
  flagKey: string;
  tracker: Tracker;
  /** Set when the flag could not be evaluated as asked (missing, wrong type, unreadable context): the fallback was served. */
  error?: SelectionError;
}

export interface PromptSelection {
  /** The prompt with `{{var}}` placeholders filled. */
  text: string;
  variant: string;
  tracker: Tracker;
  /** Set when the flag could not be evaluated as asked: the fallback was served. */
  error?: SelectionError;
}

export interface VariantSelection<T extends FlagValue> {
  value: T;
  variant: string;
  flagKey: string;
  tracker: Tracker;
  /** Set when the flag could not be evaluated as asked: the fallback was served. */
  error?: SelectionError;
}

export interface AiFlags {
  /** Picks a model configuration from an object flag. */
  model(flag: string, ctx: EvaluationContext, fallback: ModelConfig): Promise<ModelSelection>;
  /** Picks a prompt from a string flag and fills `{{var}}` placeholders from `vars`. */
  prompt(flag: string, ctx: EvaluationContext, fallback: string, vars?: Record<string, unknown>): Promise<PromptSelection>;
  /** Any other flag (tool sets, temperatures, workflows); the fallback's type picks the OpenFeature method. */
  variant<T extends FlagValue>(flag: string, ctx: EvaluationContext, fallback: T): Promise<VariantSelection<T>>;
  /**
   * null when the kill switch allows the feature; a denial with `retryAfter` (seconds) when it is off. An
   * unknown switch is allowed and logged once, or refused with the problem in `cause` when `strict`.
   */
  guard(name: string, ctx?: EvaluationContext, options?: Pick<GuardOptions, 'strict'>): Promise<GuardDenial | null>;
  /** Throws `FeatureDisabledError` when the kill switch is off (or, when `strict`, unknown). */
  guardOrThrow(name: string, ctx?: EvaluationContext, options?: Pick<GuardOptions, 'strict'>): Promise<void>;
  /** A tracker for a flag evaluated elsewhere. */
  tracker(target: TrackerTarget): Tracker;
  /** The judge runner when judges are registered: its stats() and drain(). */
  readonly judges: JudgeRunner | undefined;
  /**
   * Feedback that arrives later, by response id: recorded under the flag, variant and unit of the response
   * (`responses` must be set). An unknown or expired id is counted in `feedbackStats()`, never an error.
   */
  feedback(responseId: string, value: FeedbackValue): Promise<FeedbackResult>;
  feedbackStats(): FeedbackStats;
  /**
   * On a sampled share of requests (the flag's `shadow: { variant, rate }`), runs the candidate's value through
   * `run` in the background, never served and never awaited; returns at once. Report the served result with
   * `ticket.served()` to pair the arms per request; a kill switch, a disabled flag or the budget stops it.
   */
  shadow(flag: string, ctx: EvaluationContext, run: ShadowRun, options?: ShadowCallOptions): ShadowTicket;
  /** The shadow runner: its results (for `analyzeShadow`), stats() and drain(). */
  readonly shadows: ShadowRunner;
}

/** The variant name reported when the caller's fallback was served. */
export const FALLBACK_VARIANT = 'fallback';

/** AI helpers over any OpenFeature client: model/prompt selection, kill switches, outcome trackers. */
export function aiFlags(client: Client, options: AiFlagsOptions = {}): AiFlags {
  const judging = { ...(options.flags ? { flags: options.flags } : {}), ...options.judging };
  const otel = otelSource(options.meter);
  const judges = options.judges
    ? new JudgeRunner({ ...judging, judges: options.judges, otel, ...(options.metrics ? { store: options.metrics } : {}) })
    : undefined;
  const prices = priceLookup(options.prices, options.flags);
  const sinks: TrackerSinks = {
    client: options.track === false ? undefined : client,
    otel,
    store: options.metrics,
    ...(judges ? { judges } : {}),
    ...(options.responses ? { responses: options.responses } : {}),
    ...(prices ? { prices } : {}),
  };
  const late = options.responses
    ? new LateFeedback({ responses: options.responses, store: options.metrics, ...(options.feedbackScore ? { scoreName: options.feedbackScore } : {}) })
    : undefined;
  const shadows = new ShadowRunner({
    ...options.shadowing,
    ...(options.flags ? { flags: options.flags } : {}),
    ...(options.judges ? { judges: options.judges } : {}),
    killed: async (name) => (await guardSwitch(client, name, undefined, guardOptions())) !== null,
  });
  const noFeedback: FeedbackStats = { received: 0, attributed: 0, unknown: 0, invalid: 0, failed: 0 };
  const store = options.metrics;
  const direct = options.exposures === 'direct' ? store : undefined;
  const evalOptions: FlagEvaluationOptions | undefined = store && !direct ? { hooks: [exposureHook(store)] } : undefined;
  const retryAfterDefault = options.retryAfterDefault ?? DEFAULT_RETRY_AFTER_S;
  const logger = options.logger;
  // Built once: guard is on the hot path of every request.
  const [lenient, strict]: GuardOptions[] = [false, true].map((s) => ({ retryAfterDefault, strict: s, ...(logger ? { logger } : {}) }));
  const guardOptions = (call?: Pick<GuardOptions, 'strict'>): GuardOptions => ((call?.strict ?? options.strict) === true ? strict! : lenient!);
  /** Logs a missing flag or a wrong type once per key; returns the error for the selection. */
  const misuse = (call: string, flag: string, error: SelectionError | undefined): SelectionError | undefined => {
    if (isMisuse(error)) logMisuse(client, logger, call, flag, error, 'served the fallback');
    return error;
  };

  const served = (details: EvaluationDetails<OFValue>, ctx: EvaluationContext): { variant: string; inExperiment: boolean } => {
    if (details.variant === undefined || details.errorCode !== undefined) return { variant: FALLBACK_VARIANT, inExperiment: false };
    if (direct) recordExposure(direct, details.flagKey, details.variant, ctx);
    return { variant: details.variant, inExperiment: true };
  };

  return {
    async model(flag, ctx, fallback) {
      const details = await safeEvaluate(flag, fallback as JsonValue, ctx, () => client.getObjectDetails(flag, fallback as JsonValue, ctx, evalOptions));
      let { variant, inExperiment } = served(details, ctx);
      let config = details.value;
      let error = selectionError(details);
      if (!isModelConfig(config)) {
        config = fallback as JsonValue;
        variant = FALLBACK_VARIANT;
        inExperiment = false;
        error ??= { code: 'TYPE_MISMATCH', message: `flag "${flag}" did not give a model configuration (an object with a string "model")` };
      }
      misuse('model', flag, error);
      const { model, provider, ...params } = config as ModelConfig;
      const providerName = typeof provider === 'string' ? provider : undefined;
      const tracker = new OutcomeTracker(sinks, { flagKey: flag, variant, ctx, model, provider: providerName, inExperiment });
      const selection: ModelSelection = { model, provider: providerName, params: params as Record<string, JsonValue>, variant, flagKey: flag, tracker };
      if (error) selection.error = error;
      return selection;
    },

    async prompt(flag, ctx, fallback, vars) {
      const details = await safeEvaluate(flag, fallback, ctx, () => client.getStringDetails(flag, fallback, ctx, evalOptions));
      const { variant, inExperiment } = served(details, ctx);
      const tracker = new OutcomeTracker(sinks, { flagKey: flag, variant, ctx, inExperiment });
      const selection: PromptSelection = { text: fillTemplate(details.value, vars), variant, tracker };
      const error = misuse('prompt', flag, selectionError(details));
      if (error) selection.error = error;
      return selection;
    },

    async variant<T extends FlagValue>(flag: string, ctx: EvaluationContext, fallback: T): Promise<VariantSelection<T>> {
      const details = (await safeEvaluate(flag, fallback, ctx, () => evaluateByType(client, flag, ctx, fallback, evalOptions))) as EvaluationDetails<T>;
      const { variant, inExperiment } = served(details, ctx);
      const tracker = new OutcomeTracker(sinks, { flagKey: flag, variant, ctx, inExperiment });
      const selection: VariantSelection<T> = { value: details.value, variant, flagKey: flag, tracker };
      const error = misuse('variant', flag, selectionError(details));
      if (error) selection.error = error;
      return selection;
    },

    guard: (name, ctx, call) => guardSwitch(client, name, ctx, guardOptions(call)),
    guardOrThrow: (name, ctx, call) => guardSwitchOrThrow(client, name, ctx, guardOptions(call)),
    tracker: (target) => new OutcomeTracker(sinks, target),
    judges,
    async feedback(responseId, value) {
      if (late) return late.feedback(responseId, value);
      noFeedback.received++;
      noFeedback.unknown++;
      return { attributed: [] };
    },
    feedbackStats: () => (late ? late.stats() : { ...noFeedback }),
    shadow: (flag, ctx, run, call) => shadows.shadow(flag, ctx, run, call),
    shadows,
  };
}

/** A variant's token prices: code's table for the flag when it lists the flag, else the flag file's `prices`. */
function priceLookup(
  code: AiFlagsOptions['prices'],
  flags: AiFlagsOptions['flags'],
): ((flagKey: string, variant: string) => TokenPrices | undefined) | undefined {
  if (code === undefined && flags === undefined) return undefined;
  const current = typeof flags === 'function' ? flags : () => flags;
  return (flagKey, variant) => {
    const table = code && Object.hasOwn(code, flagKey) ? code[flagKey] : current()?.flags.get(flagKey)?.definition.prices;
    return table && Object.hasOwn(table, variant) ? table[variant] : undefined;
  };
}

function isModelConfig(value: unknown): value is ModelConfig {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as { model?: unknown }).model === 'string';
}

function evaluateByType(
  client: Client,
  flag: string,
  ctx: EvaluationContext,
  fallback: FlagValue,
  options: FlagEvaluationOptions | undefined,
): Promise<EvaluationDetails<OFValue>> {
  switch (typeof fallback) {
    case 'boolean':
      return client.getBooleanDetails(flag, fallback, ctx, options);
    case 'string':
      return client.getStringDetails(flag, fallback, ctx, options);
    case 'number':
      return client.getNumberDetails(flag, fallback, ctx, options);
    default:
      return client.getObjectDetails(flag, fallback as JsonValue, ctx, options);
  }
}
