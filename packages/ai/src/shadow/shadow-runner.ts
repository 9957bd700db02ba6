import { randomUUID } from 'node:crypto';
import type { EvaluationContext } from '@openfeature/server-sdk';
import type { FlagSet, FlagValue, ShadowDefinition } from '@aiflags/core';
import { BackgroundQueue } from '../background/background-queue.js';
import { HourlyBudget, type HourlyBudgetStats } from '../background/hourly-budget.js';
import { isoTime } from '../background/iso-time.js';
import { appendAll } from '../replay/append-all.js';
import { Failure, TIMED_OUT, withTimeout } from '../background/with-timeout.js';
import type { Judge } from '../judges/judge.js';
import { readJudgeResult } from '../judges/judge-result.js';
import { inJudgeSample } from '../judges/judge-sampling.js';
import { asRunOutput, finiteScores, oneLine } from '../replay/run-replay.js';
import type { ReplayResult, ReplayResultStore, ReplayRunOutput } from '../replay/replay-types.js';
import { SHADOW_VERSION, ShadowResults, shadowArm } from './shadow-results.js';

/** Runs the candidate's value (a model config, a prompt …) the way the app runs the served one; `signal` aborts at the timeout. */
export type ShadowRun = (value: FlagValue, signal: AbortSignal) => Promise<ReplayRunOutput | unknown> | ReplayRunOutput | unknown;

/** Shadow traffic of a flag in code: a flag listed here ignores the file's `shadow`; `value` for flags not in a flag file. */
export interface ShadowSpec extends ShadowDefinition {
  value?: FlagValue;
}

export interface ShadowCallOptions {
  /** The request's id: what sampling hashes and what pairs the arms (default: the context's `requestId`, else a random id). */
  requestId?: string;
  /** What the app sent to the model, for judges. */
  input?: unknown;
}

/** What the served request reports, so its result pairs with the shadow arm's. */
export interface ServedResult {
  variant: string;
  output?: unknown;
  latencyMs: number;
  costUsd?: number;
  scores?: Record<string, number>;
  /** Default true. */
  ok?: boolean;
  error?: string;
}

/** What `shadow()` returns at once: whether the request is in the sample, and where to report the served result. */
export interface ShadowTicket {
  sampled: boolean;
  requestId: string;
  /** The candidate variant run in the shadow, when sampled. */
  candidate?: string;
  /** Records the served control of this request (a no-op when not sampled); never throws. */
  served(result: ServedResult): void;
}

export interface ShadowCounts {
  /** Requests in the sample. */
  sampled: number;
  /** Shadow runs that answered. */
  ran: number;
  /** Shadow runs that threw or rejected. */
  failed: number;
  timedOut: number;
  /** Dropped because the queue was full. */
  dropped: number;
  /** Not run because the hourly budget was spent. */
  skippedBudget: number;
  /** Not run because the flag's kill switch was off or the flag disabled. */
  skippedKilled: number;
  /** USD the shadow runs and their judges reported. */
  costUsd: number;
}

/** Writes of results to the `store` option. */
export interface ShadowPersistStats {
  written: number;
  failed: number;
  /** Not written because `maxPendingWrites` were already waiting. */
  dropped: number;
  pending: number;
}

export interface ShadowStats {
  flags: Record<string, ShadowCounts>;
  queued: number;
  running: number;
  budget?: HourlyBudgetStats;
  /** Present when results are written to a store. */
  persisted?: ShadowPersistStats;
}

export interface ShadowRunnerOptions {
  /** The flag file (or a getter for the current one): each flag's `shadow: { variant, rate, killSwitch }` and variant values. */
  flags?: FlagSet | (() => FlagSet | undefined);
  /** Shadow traffic in code, flag key → spec; a flag listed here ignores the file's entry. */
  shadows?: Record<string, ShadowSpec>;
  /** Resolves true when a kill switch is off (aiFlags passes its `guard`). */
  killed?: (name: string) => Promise<boolean>;
  /** Judges by name; each judge the flag's `judges` entry names scores both arms of every sampled request. */
  judges?: Record<string, Judge>;
  /** Where results go (default: a new ShadowResults). */
  results?: ShadowResults;
  /**
   * Also written here, one record per arm of each sampled request as it is recorded (again when judge scores
   * arrive; the last record wins), under flag version `shadow`: so another process (`aiflags rollout`) reads
   * the shadow evidence. Written in order, in batches (`appendMany`) when the store has them. The aiflags
   * runtime passes `.aiflags/replay/` by default, or a Redis stream per flag when REDIS_URL is set.
   */
  store?: ReplayResultStore;
  /** Writes to `store` waiting at once; beyond it results are not written and counted as dropped (default 10 000). */
  maxPendingWrites?: number;
  /** Shadow runs at once (default 4). */
  concurrency?: number;
  /** Runs waiting; beyond it new ones are dropped and counted (default 1000). */
  maxQueue?: number;
  /** ms a shadow run (or a judge) may take before it is aborted and counted as timed out (default 30 000). */
  timeoutMs?: number;
  /** USD shadow runs and their judges may spend per clock hour; once reached, shadowing pauses until the next hour. */
  hourlyBudgetUsd?: number;
  /** Epoch ms (default Date.now). */
  clock?: () => number;
  /** Told once per flag and kind of problem; default console.warn. */
  warn?: (message: string) => void;
}

/** A sampled request's candidate run. */
interface ShadowJob {
  kind: 'shadow';
  flagKey: string;
  requestId: string;
  candidate: string;
  value: FlagValue;
  run: ShadowRun;
  context: EvaluationContext;
  input: unknown;
  killSwitch: string | undefined;
}

/** The served control of a sampled request, to record (`served`) or to judge (`judge-served`). */
interface ServedJob {
  kind: 'served' | 'judge-served';
  /** The request's shadow job, for its flag, request id and context. */
  of: ShadowJob;
  served: ServedResult;
}

type Job = ShadowJob | ServedJob;

/**
 * Shadow traffic: on a deterministic sample of requests (murmur3 of flag and request id against the rate) the
 * candidate variant runs too, off the request path, never served. `shadow()` only hashes and queues; a bounded
 * queue runs at most `concurrency` candidates under a timeout and an hourly budget, and a run whose flag's kill
 * switch is off (or whose flag is disabled) is skipped. Failures are counted, never thrown.
 */
export class ShadowRunner {
  readonly results: ShadowResults;
  private readonly flags: (() => FlagSet | undefined) | undefined;
  private readonly shadows: Record<string, ShadowSpec>;
  private readonly killed: (name: string) => Promise<boolean>;
  private readonly judges: Record<string, Judge>;
  private readonly timeoutMs: number;
  private readonly budget: HourlyBudget;
  private readonly warn: (message: string) => void;
  private readonly queue: BackgroundQueue<Job>;
  private readonly counts = new Map<string, ShadowCounts>();
  private readonly warned = new Set<string>();
  private readonly clock: () => number;
  private readonly store: ReplayResultStore | undefined;
  private readonly maxPendingWrites: number;
  private readonly writes: ShadowPersistStats = { written: 0, failed: 0, dropped: 0, pending: 0 };
  /** Results waiting to be written, in the order recorded. */
  private readonly unwritten: ReplayResult[] = [];
  /** The write loop while one runs. */
  private writing: Promise<void> | undefined;

  constructor(options: ShadowRunnerOptions = {}) {
    const flags = options.flags;
    this.flags = typeof flags === 'function' ? flags : flags ? () => flags : undefined;
    this.shadows = options.shadows ?? {};
    this.killed = options.killed ?? (async () => false);
    this.judges = options.judges ?? {};
    this.results = options.results ?? new ShadowResults();
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.clock = options.clock ?? Date.now;
    this.store = options.store;
    this.maxPendingWrites = options.maxPendingWrites ?? 10_000;
    this.budget = new HourlyBudget(options.hourlyBudgetUsd, options.clock);
    this.warn = options.warn ?? ((message) => console.warn(message));
    this.queue = new BackgroundQueue<Job>({
      ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
      ...(options.maxQueue !== undefined ? { maxQueue: options.maxQueue } : {}),
      run: (job) => (job.kind === 'shadow' ? this.runShadow(job) : job.kind === 'served' ? this.recordServed(job) : this.judgeServed(job)),
      // A served control is recorded whatever the budget: it costs nothing and pairs a shadow already run.
      admit: (job) => job.kind === 'served' || !this.budget.paused(),
      onSkip: (job) => {
        if (job.kind === 'shadow') this.countsFor(job.flagKey).skippedBudget++;
      },
    });
  }

  /** Samples the request and queues the candidate's run; synchronous, never throws, never waits for the run. */
  shadow(flagKey: string, ctx: EvaluationContext, run: ShadowRun, options: ShadowCallOptions = {}): ShadowTicket {
    const requestId = options.requestId ?? (typeof ctx.requestId === 'string' ? ctx.requestId : randomUUID());
    try {
      const spec = this.specFor(flagKey);
      if (spec === undefined || !inShadowSample(flagKey, requestId, spec.rate)) return notSampled(requestId);
      const counts = this.countsFor(flagKey);
      counts.sampled++;
      if (this.budget.paused()) {
        counts.skippedBudget++;
        return notSampled(requestId);
      }
      const job: ShadowJob = {
        kind: 'shadow',
        flagKey,
        requestId,
        candidate: spec.variant,
        value: spec.value,
        run,
        context: ctx,
        input: options.input,
        killSwitch: spec.killSwitch,
      };
      if (!this.queue.offer(job)) {
        counts.dropped++;
        return notSampled(requestId);
      }
      return { sampled: true, requestId, candidate: spec.variant, served: (result) => this.served(job, result) };
    } catch {
      return notSampled(requestId);
    }
  }

  /** Resolves once nothing is queued or running, and every result is written to the store. */
  async drain(): Promise<void> {
    await this.queue.drain();
    await this.writing;
  }

  /** Stops shadowing, drops what is queued (counted as dropped), waits for the runs in progress and the writes. */
  async close(): Promise<void> {
    await this.queue.close((job) => {
      if (job.kind === 'shadow') this.countsFor(job.flagKey).dropped++;
      else if (job.kind === 'served') void this.recordServed(job);
    });
    await this.writing;
  }

  stats(): ShadowStats {
    const flags: Record<string, ShadowCounts> = {};
    for (const [key, counts] of this.counts) flags[key] = { ...counts };
    const out: ShadowStats = { flags, queued: this.queue.queued, running: this.queue.running };
    const budget = this.budget.stats();
    if (budget) out.budget = budget;
    if (this.store) out.persisted = { ...this.writes };
    return out;
  }

  /** The flag's shadow spec with the candidate's value: code's entry, else the flag file's; undefined when off. */
  private specFor(flagKey: string): { variant: string; rate: number; killSwitch: string | undefined; value: FlagValue } | undefined {
    const flag = this.flags?.()?.flags.get(flagKey);
    const spec: ShadowSpec | undefined = Object.hasOwn(this.shadows, flagKey) ? this.shadows[flagKey]! : flag?.definition.shadow;
    if (spec === undefined || !(spec.rate > 0) || flag?.definition.enabled === false) return undefined;
    const value = spec.value ?? flag?.definition.variants[spec.variant];
    if (value === undefined) {
      this.warnOnce(
        flagKey,
        'value',
        `aiflags: shadow of flag '${flagKey}': variant '${spec.variant}' has no value (not in the flag file; give shadows.${flagKey}.value in code)`,
      );
      return undefined;
    }
    // Only what a job needs, in a literal of one shape: a spread here cost a µs of every sampled request's path.
    return { variant: spec.variant, rate: spec.rate, killSwitch: spec.killSwitch, value };
  }

  /**
   * Queues the served result as a job of its own, so building, keeping and writing its record (a few µs) runs
   * after the request has answered, on the turn the queue already takes for this request's shadow run; recorded
   * at once only when the queue is full.
   */
  private served(job: ShadowJob, result: ServedResult): void {
    // A small record of its own, not a copy of the job: a spread of the job cost 2.3 µs here, on the request's path.
    const record: ServedJob = { kind: 'served', of: job, served: result };
    if (!this.queue.offer(record)) void this.recordServed(record);
  }

  private async recordServed(job: ServedJob): Promise<void> {
    const result = job.served;
    try {
      const served = this.result(job.of, result.variant, result.ok ?? true, result);
      const input = job.of.input === undefined ? undefined : keptInput(job.of.input);
      if (input !== undefined) served.input = input;
      this.record(served);
      if (this.judgeNames(job.of.flagKey).length > 0 && result.output !== undefined) this.queue.offer({ kind: 'judge-served', of: job.of, served: result });
    } catch {
      // A bad served result is the app's; shadowing never throws into the request.
    }
  }

  private async runShadow(job: ShadowJob): Promise<void> {
    const counts = this.countsFor(job.flagKey);
    const arm = shadowArm(job.candidate);
    const killed = this.isKilled(job);
    if (killed === true || (killed !== false && (await killed))) {
      counts.skippedKilled++;
      return;
    }
    const start = performance.now();
    const outcome = await withTimeout((signal) => job.run(job.value, signal), this.timeoutMs);
    const latencyMs = performance.now() - start;
    if (outcome === TIMED_OUT || outcome instanceof Failure) {
      if (outcome === TIMED_OUT) counts.timedOut++;
      else counts.failed++;
      const error = outcome === TIMED_OUT ? `timed out after ${this.timeoutMs} ms` : oneLine(outcome.error);
      this.record(this.result(job, arm, false, { latencyMs, error }));
      return;
    }
    const out = asRunOutput(outcome);
    counts.ran++;
    const cost = typeof out.costUsd === 'number' && Number.isFinite(out.costUsd) && out.costUsd >= 0 ? out.costUsd : undefined;
    this.spend(job.flagKey, cost ?? 0);
    this.record(
      this.result(job, arm, true, {
        output: out.output,
        latencyMs: out.latencyMs ?? latencyMs,
        ...(cost !== undefined ? { costUsd: cost } : {}),
        scores: finiteScores(out.scores),
      }),
    );
    const scores = await this.judge(job, arm, out.output);
    this.addScores(job, arm, scores);
  }

  private async judgeServed(job: ServedJob): Promise<void> {
    const served = job.served;
    const scores = await this.judge(job.of, served.variant, served.output);
    this.addScores(job.of, served.variant, scores);
  }

  /** Every judge the flag names, on one output; a judge that fails or times out gives no score. */
  private async judge(job: ShadowJob, variant: string, output: unknown): Promise<Record<string, number>> {
    const scores: Record<string, number> = {};
    for (const name of this.judgeNames(job.flagKey)) {
      const judge = this.judges[name];
      if (judge === undefined) continue;
      const sample = {
        responseId: `${job.requestId}:${variant}`,
        flagKey: job.flagKey,
        variant,
        unitId: typeof job.context.targetingKey === 'string' ? job.context.targetingKey : undefined,
        context: job.context,
        input: job.input,
        output,
      };
      const value = await withTimeout((signal) => judge(sample, signal), this.timeoutMs);
      if (value === TIMED_OUT || value instanceof Failure) continue;
      const verdict = readJudgeResult(value);
      if (typeof verdict === 'string') {
        this.warnOnce(job.flagKey, `judge ${name}`, `aiflags: shadow of flag '${job.flagKey}': judge '${name}': ${verdict}`);
        continue;
      }
      this.spend(job.flagKey, verdict.costUsd);
      scores[name] = verdict.score;
    }
    return scores;
  }

  private judgeNames(flagKey: string): string[] {
    return Object.keys(this.flags?.()?.flags.get(flagKey)?.definition.judges ?? {});
  }

  /** Whether the run is stopped: at once when the flag decides it, through the kill switch's answer otherwise. */
  private isKilled(job: ShadowJob): boolean | Promise<boolean> {
    if (this.flags?.()?.flags.get(job.flagKey)?.definition.enabled === false) return true;
    if (job.killSwitch === undefined) return false;
    return this.killed(job.killSwitch).catch(() => true);
  }

  private result(job: ShadowJob, variant: string, ok: boolean, fields: Partial<ReplayResult> & { latencyMs: number }): ReplayResult {
    // Built field by field (no spreads of temporary objects): one of these is made per arm of every sampled request.
    const r: ReplayResult = {
      flagKey: job.flagKey,
      flagVersion: SHADOW_VERSION,
      caseId: job.requestId,
      variant,
      ok,
      latencyMs: fields.latencyMs,
      scores: finiteScores(fields.scores),
      at: isoTime(this.clock()),
    };
    if (fields.error !== undefined) r.error = fields.error;
    if (fields.output !== undefined) r.output = fields.output;
    if (fields.costUsd !== undefined) r.costUsd = fields.costUsd;
    return r;
  }

  /** Keeps a result in memory and writes it (scores merged) to the store. */
  private record(result: ReplayResult): void {
    this.results.put(result);
    this.persist(this.results.get(result.flagKey, result.caseId, result.variant));
  }

  private addScores(job: ShadowJob, variant: string, scores: Record<string, number>): void {
    if (Object.keys(scores).length === 0) return;
    if (this.results.addScores(job.flagKey, job.requestId, variant, scores)) this.persist(this.results.get(job.flagKey, job.requestId, variant));
  }

  private persist(result: ReplayResult | undefined): void {
    const store = this.store;
    if (store === undefined || result === undefined) return;
    const stats = this.writes;
    if (stats.pending >= this.maxPendingWrites) {
      stats.dropped++;
      this.warnOnce(
        result.flagKey,
        'persist dropped',
        `aiflags: shadow of flag '${result.flagKey}': results are not written, ${this.maxPendingWrites} writes already wait`,
      );
      return;
    }
    stats.pending++;
    // A copy: later judge scores must not change what this write says.
    this.unwritten.push({ ...result, scores: { ...result.scores } });
    this.writing ??= this.writeAll(store);
  }

  /**
   * Writes what waits, in the order recorded (a result's later record, with judge scores, lands after its first):
   * all that waits at once in one `appendMany` (one file append, one Redis pipeline), else one by one.
   */
  private async writeAll(store: ReplayResultStore): Promise<void> {
    const stats = this.writes;
    while (this.unwritten.length > 0) {
      const batch = this.unwritten.splice(0, WRITE_BATCH);
      try {
        await appendAll(store, batch);
        stats.written += batch.length;
      } catch (error) {
        stats.failed += batch.length;
        this.warnOnce(batch[0]!.flagKey, 'persist', `aiflags: shadow of flag '${batch[0]!.flagKey}': writing results failed: ${oneLine(error)}`);
      } finally {
        stats.pending -= batch.length;
      }
    }
    this.writing = undefined;
  }

  private spend(flagKey: string, usd: number): void {
    this.countsFor(flagKey).costUsd += usd;
    this.budget.spend(usd);
  }

  private countsFor(flagKey: string): ShadowCounts {
    let counts = this.counts.get(flagKey);
    if (counts === undefined) {
      counts = { sampled: 0, ran: 0, failed: 0, timedOut: 0, dropped: 0, skippedBudget: 0, skippedKilled: 0, costUsd: 0 };
      this.counts.set(flagKey, counts);
    }
    return counts;
  }

  private warnOnce(flagKey: string, kind: string, message: string): void {
    const key = `${flagKey}\u0000${kind}`;
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.warn(message);
  }
}

function ignore(): void {}

/** Inputs kept with results: as given up to 4,000 characters of JSON, else the first 4,000 characters, marked cut. */
const MAX_INPUT_CHARS = 4_000;

/** Results written at most in one `appendMany`. */
const WRITE_BATCH = 1_000;

function keptInput(input: unknown): unknown {
  let text: string | undefined;
  try {
    text = typeof input === 'string' ? input : JSON.stringify(input);
  } catch {
    return undefined; // not JSON (a cycle, a BigInt): the record is kept without it
  }
  if (text === undefined || text.length <= MAX_INPUT_CHARS) return input;
  return `${text.slice(0, MAX_INPUT_CHARS)}… (cut from ${text.length} characters)`;
}

function notSampled(requestId: string): ShadowTicket {
  return { sampled: false, requestId, served: ignore };
}

/** Whether a request is in a flag's shadow sample: the same flag and request id are always in or out, in every process. */
export function inShadowSample(flagKey: string, requestId: string, rate: number): boolean {
  return rate >= 1 || inJudgeSample(`shadow\u0000${flagKey}\u0000${requestId}`, rate);
}
