import type { EvaluationContext } from '@openfeature/server-sdk';

/** One recorded input, run through every variant of a flag. */
export interface ReplayCase {
  /** Stable id (what resuming keys on); default: the case's line number in its file. */
  id: string;
  input: unknown;
  /** The evaluation context the case came with (passed to `run`, never used for bucketing). */
  context?: EvaluationContext;
  /** A reference answer, for scorers that compare against one. */
  reference?: unknown;
}

/** What the user's `run(variant, case)` returns: the output and, when it knows them, cost and scores. */
export interface ReplayRunOutput {
  output: unknown;
  costUsd?: number;
  /** The call's own latency in ms, when the run knows it better than the wall time around it (e.g. the provider's). */
  latencyMs?: number;
  /** Scores from the run itself (e.g. an eval harness); scorers add theirs. */
  scores?: Record<string, number>;
}

/** The variant a case runs through: its key and the flag's value for it (a model config, a prompt …). */
export interface ReplayVariant {
  key: string;
  value: unknown;
}

export type ReplayRun = (variant: ReplayVariant, replayCase: ReplayCase) => Promise<ReplayRunOutput | unknown>;

/** Scores an output: `quality` is the primary metric, any other name a named metric (higher is better). */
export type ReplayScorer = (replayCase: ReplayCase, output: unknown, variant: ReplayVariant) => Record<string, number> | Promise<Record<string, number>>;

/** One case through one variant of one flag version: kept so a rerun does only what is missing. */
export interface ReplayResult {
  flagKey: string;
  flagVersion: string;
  caseId: string;
  variant: string;
  /** false when the run failed after its retries (an error counts against the variant). */
  ok: boolean;
  error?: string;
  output?: unknown;
  /** What the app sent to the model: on a shadow's served record, when `shadow(…, { input })` gave it (cut at 4,000 characters). */
  input?: unknown;
  latencyMs: number;
  costUsd?: number;
  scores: Record<string, number>;
  at: string;
}

/** Where results are kept between runs: memory, `.aiflags/replay/` (@aiflags/file) or a Redis stream per flag version (@aiflags/redis). */
export interface ReplayResultStore {
  /**
   * Results already recorded for this flag version, one at a time in the order recorded: what resuming, the
   * reports and the rollout's evidence read, so a replay larger than memory never needs them all at once.
   */
  stream(flagKey: string, flagVersion: string): AsyncIterable<ReplayResult>;
  append(result: ReplayResult): Promise<void>;
  /** Several results in the order given, in one write where the store can (a file append, a Redis pipeline). */
  appendMany?(results: readonly ReplayResult[]): Promise<void>;
}
