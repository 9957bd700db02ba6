import type { EvaluationContext } from '@openfeature/server-sdk';
import type { FlagSet } from '@aiflags/core';
import { type Outcome, scoresProblem } from '@aiflags/metrics';
import { BackgroundQueue } from '../background/background-queue.js';
import { HourlyBudget, type HourlyBudgetStats } from '../background/hourly-budget.js';
import { Failure, TIMED_OUT, withTimeout } from '../background/with-timeout.js';
import type { OutcomeRecorder } from '../store/recorder.js';
import type { OtelSource } from '../tracker/otel-instruments.js';
import type { Judge, JudgeSample } from './judge.js';
import { readJudgeResult } from './judge-result.js';
import { inJudgeSample } from './judge-sampling.js';

export interface JudgeRunnerOptions {
  /** Judges by name; a flag's `judges` entry in the flag file names one of these. */
  judges: Record<string, Judge>;
  /** The flag set (or a getter for the current one) whose flags' `judges: { name: { rate } }` say what runs where. */
  flags?: FlagSet | (() => FlagSet | undefined);
  /** Rates in code, flag key → judge name → fraction (0-1); a flag listed here ignores the file's entry. */
  rates?: Record<string, Record<string, number>>;
  /**
   * Where scores go: the named metric of the judge's name on the response's flag and variant; a judge named
   * `quality` records the primary metric. Each sample's fate (judged with its cost, failed, dropped, skipped
   * for the budget) goes there too, as the judge* counts of OUTCOME_METRICS, so `aiflags report` in another
   * process shows them.
   */
  store?: OutcomeRecorder;
  /** Judges running at once (default 4). */
  concurrency?: number;
  /** Samples waiting to run; beyond it new samples are dropped and counted (default 1000). */
  maxQueue?: number;
  /** ms a judge may take before it is aborted and counted as timed out (default 30 000). */
  timeoutMs?: number;
  /**
   * USD judges may spend per clock hour; once reached, sampling pauses until the next hour (default: no
   * limit). Judges already running finish, so the spend can pass it by up to `concurrency` judge calls.
   */
  hourlyBudgetUsd?: number;
  /** Epoch ms (default Date.now). */
  clock?: () => number;
  /** OpenTelemetry instruments: each score also goes to `aiflags.ai.score` with `gen_ai.evaluation.name`. */
  otel?: OtelSource;
  /** Told once per judge and kind of problem (an unknown judge name, a throw, a bad result); default: console.warn. */
  warn?: (message: string) => void;
}

/** Counts for one judge since the runner started. */
export interface JudgeCounts {
  /** Responses in the sample (queued, dropped or skipped). */
  sampled: number;
  /** Scores recorded. */
  judged: number;
  /** The judge threw or its promise rejected. */
  failed: number;
  timedOut: number;
  /** The judge answered NaN, a string, a negative or another non-score. */
  invalid: number;
  /** Dropped because the queue was full. */
  dropped: number;
  /** Not run because the hourly budget was spent. */
  skippedBudget: number;
  /** USD the judge reported spending. */
  costUsd: number;
}

/** Judge cost and scores of one (flag, variant, judge): what judging cost, apart from the requests' own cost. */
export interface JudgeVariantCost {
  flagKey: string;
  variant: string;
  judge: string;
  judged: number;
  costUsd: number;
}

export interface JudgeStats {
  judges: Record<string, JudgeCounts>;
  byVariant: JudgeVariantCost[];
  queued: number;
  running: number;
  /** Judge names flags ask for that no judge is registered under. */
  unknownJudges: string[];
  budget?: HourlyBudgetStats;
}

/** Where a response came from: the tracker's flag, variant, unit and context. */
export interface JudgeTarget {
  flagKey: string;
  variant: string;
  unitId: string | undefined;
  context: EvaluationContext;
}

interface Job {
  judge: string;
  sample: JudgeSample;
}

/** A judge registered under this name scores the gate's primary metric (the outcome's `quality`), not a named score. */
const PRIMARY_SCORE = 'quality';
const MAX_VARIANT_COSTS = 10_000;

/**
 * Runs judges on a deterministic sample of responses, off the request path: `offer` only hashes the response
 * id and queues; a bounded queue feeds at most `concurrency` judges, each under a timeout. Failures, timeouts
 * and bad results are counted, never thrown; an hourly cost budget pauses sampling once spent.
 */
export class JudgeRunner {
  private readonly judges: Record<string, Judge>;
  private readonly flags: (() => FlagSet | undefined) | undefined;
  private readonly rates: Record<string, Record<string, number>>;
  private readonly store: OutcomeRecorder | undefined;
  private readonly otel: OtelSource | undefined;
  private readonly timeoutMs: number;
  private readonly budget: HourlyBudget;
  private readonly warn: (message: string) => void;
  private readonly queue: BackgroundQueue<Job>;
  private closed = false;
  private readonly counts = new Map<string, JudgeCounts>();
  private readonly variantCosts = new Map<string, JudgeVariantCost>();
  private readonly unknown = new Set<string>();
  private readonly warned = new Set<string>();

  constructor(options: JudgeRunnerOptions) {
    this.judges = { ...options.judges };
    for (const name of Object.keys(this.judges)) {
      const problem = scoresProblem({ [name]: 0 });
      if (problem !== undefined || typeof this.judges[name] !== 'function') {
        throw new TypeError(
          `aiflags: judge '${name}': ${problem ?? 'expected a function (sample, signal) => score'}; a judge's name is the named score it records`,
        );
      }
    }
    const flags = options.flags;
    this.flags = typeof flags === 'function' ? flags : flags ? () => flags : undefined;
    this.rates = options.rates ?? {};
    this.store = options.store;
    this.otel = options.otel;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.budget = new HourlyBudget(options.hourlyBudgetUsd, options.clock);
    this.queue = new BackgroundQueue<Job>({
      ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
      ...(options.maxQueue !== undefined ? { maxQueue: options.maxQueue } : {}),
      run: (job) => this.run(job),
      admit: () => !this.budget.paused(),
      onSkip: (job) => this.skippedBudget(job.judge, job.sample),
    });
    this.warn = options.warn ?? ((message) => console.warn(message));
    for (const name of Object.keys(this.judges)) this.counts.set(name, emptyCounts());
  }

  /** The judges and rates (fractions) that apply to a flag: code's `rates` for it, else the flag file's entry. */
  ratesFor(flagKey: string): Readonly<Record<string, number>> | undefined {
    if (Object.hasOwn(this.rates, flagKey)) return this.rates[flagKey];
    const judges = this.flags?.()?.flags.get(flagKey)?.definition.judges;
    if (judges === undefined) return undefined;
    const out: Record<string, number> = {};
    for (const name of Object.keys(judges)) out[name] = judges[name]!.rate;
    return out;
  }

  /**
   * Queues the response for every judge of its flag whose sample it is in; synchronous, never throws.
   * Returns how many judges it was queued for.
   */
  offer(target: JudgeTarget, responseId: string, input: unknown, output: unknown): number {
    if (this.closed) return 0;
    try {
      const rates = this.ratesFor(target.flagKey);
      if (rates === undefined) return 0;
      let queued = 0;
      for (const name of Object.keys(rates)) {
        if (!inJudgeSample(responseId, rates[name]!)) continue;
        const counts = this.countsFor(name, target.flagKey);
        if (counts === undefined) continue;
        counts.sampled++;
        if (this.budget.paused()) this.skippedBudget(name, target);
        else if (this.queue.full) this.dropped(name, target);
        else {
          const sample: JudgeSample = {
            responseId,
            flagKey: target.flagKey,
            variant: target.variant,
            unitId: target.unitId,
            context: target.context,
            input,
            output,
          };
          this.queue.offer({ judge: name, sample });
          queued++;
        }
      }
      return queued;
    } catch {
      return 0;
    }
  }

  /** Resolves once nothing is queued or running (e.g. before reading scores in a test or at shutdown). */
  drain(): Promise<void> {
    return this.queue.drain();
  }

  /** Stops sampling, drops what is queued (counted as dropped) and waits for the judges running. */
  async close(): Promise<void> {
    this.closed = true;
    await this.queue.close((job) => this.dropped(job.judge, job.sample));
  }

  stats(): JudgeStats {
    const judges: Record<string, JudgeCounts> = {};
    for (const [name, counts] of this.counts) judges[name] = { ...counts };
    const out: JudgeStats = {
      judges,
      byVariant: [...this.variantCosts.values()].map((v) => ({ ...v })),
      queued: this.queue.queued,
      running: this.queue.running,
      unknownJudges: [...this.unknown],
    };
    const budget = this.budget.stats();
    if (budget) out.budget = budget;
    return out;
  }

  private countsFor(name: string, flagKey: string): JudgeCounts | undefined {
    const counts = this.counts.get(name);
    if (counts !== undefined) return counts;
    if (!this.unknown.has(name)) {
      this.unknown.add(name);
      const known = Object.keys(this.judges);
      this.warn(
        `aiflags: flag '${flagKey}' asks for judge '${name}', which is not registered (aiFlags(client, { judges: { ${name}: fn } })); registered: ${known.length ? known.join(', ') : 'none'}`,
      );
    }
    return undefined;
  }

  private async run(job: Job): Promise<void> {
    const counts = this.counts.get(job.judge)!;
    const value = await withTimeout((signal) => this.judges[job.judge]!(job.sample, signal), this.timeoutMs);
    if (value instanceof Failure) {
      counts.failed++;
      this.recordFate(job.sample, { judgeFailures: 1 });
      const error = value.error as Error | undefined;
      this.warnOnce(
        job.judge,
        'failed',
        `aiflags: judge '${job.judge}' threw (${error?.message ?? String(error)}); counted in stats().judges.${job.judge}.failed`,
      );
      return;
    }
    if (value === TIMED_OUT) {
      counts.timedOut++;
      this.recordFate(job.sample, { judgeFailures: 1 });
      return;
    }
    const verdict = readJudgeResult(value);
    if (typeof verdict === 'string') {
      counts.invalid++;
      this.recordFate(job.sample, { judgeFailures: 1 });
      this.warnOnce(
        job.judge,
        'invalid',
        `aiflags: judge '${job.judge}' on flag '${job.sample.flagKey}': ${verdict}; counted in stats().judges.${job.judge}.invalid`,
      );
      return;
    }
    this.budget.spend(verdict.costUsd);
    counts.judged++;
    counts.costUsd += verdict.costUsd;
    this.addVariantCost(job, verdict.costUsd);
    const { flagKey, variant, unitId } = job.sample;
    try {
      const score = job.judge === PRIMARY_SCORE ? { quality: verdict.score } : { scores: { [job.judge]: verdict.score } };
      // The score and the sample's fate in one record: a judged sample adds one outcome, as it always did.
      const fate = { judgeSampled: 1, judgeJudged: 1, judgeCostUsd: verdict.costUsd };
      this.store?.record({ flagKey, variant, ...(unitId !== undefined ? { unitId } : {}), ...score, ...fate });
      const otel = this.otel?.();
      otel?.recordScore(otel.seriesFor(flagKey, variant), job.judge, verdict.score);
    } catch {
      // Stores count their own drops; telemetry is best effort.
    }
  }

  private skippedBudget(judge: string, on: { flagKey: string; variant: string }): void {
    this.counts.get(judge)!.skippedBudget++;
    this.recordFate(on, { judgeSkippedBudget: 1 });
  }

  private dropped(judge: string, on: { flagKey: string; variant: string }): void {
    this.counts.get(judge)!.dropped++;
    this.recordFate(on, { judgeDropped: 1 });
  }

  /**
   * A sample that was not judged, on its flag and variant. No unit id: the unit is counted by its request
   * already, and a record per skipped sample should cost as little as a plain add.
   */
  private recordFate(on: { flagKey: string; variant: string }, fate: Pick<Outcome, 'judgeFailures' | 'judgeDropped' | 'judgeSkippedBudget'>): void {
    try {
      this.store?.record({ flagKey: on.flagKey, variant: on.variant, judgeSampled: 1, ...fate });
    } catch {
      // Stores count their own drops.
    }
  }

  private addVariantCost(job: Job, costUsd: number): void {
    const key = `${job.sample.flagKey}\u0000${job.sample.variant}\u0000${job.judge}`;
    let entry = this.variantCosts.get(key);
    if (entry === undefined) {
      if (this.variantCosts.size >= MAX_VARIANT_COSTS) return;
      entry = { flagKey: job.sample.flagKey, variant: job.sample.variant, judge: job.judge, judged: 0, costUsd: 0 };
      this.variantCosts.set(key, entry);
    }
    entry.judged++;
    entry.costUsd += costUsd;
  }

  private warnOnce(judge: string, kind: string, message: string): void {
    const key = `${judge}\u0000${kind}`;
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.warn(message);
  }
}

function emptyCounts(): JudgeCounts {
  return { sampled: 0, judged: 0, failed: 0, timedOut: 0, invalid: 0, dropped: 0, skippedBudget: 0, costUsd: 0 };
}
