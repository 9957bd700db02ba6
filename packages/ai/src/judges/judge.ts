import type { EvaluationContext } from '@openfeature/server-sdk';

/** What a judge sees of one response. */
export interface JudgeSample {
  /** The response's id (the tracker's `responseId`, or the app's own). */
  responseId: string;
  flagKey: string;
  variant: string;
  /** The bucketing unit (the evaluation context's targeting key), when there is one. */
  unitId: string | undefined;
  /** The evaluation context the flag was evaluated with. */
  context: EvaluationContext;
  /** What the app sent to the model, as given to `tracker.response()`. */
  input: unknown;
  /** What the model answered, as given to `tracker.response()`. */
  output: unknown;
}

/** A judge's verdict: a score (≥ 0, finite), optionally with what judging cost in USD (kept apart from the request's cost). */
export type JudgeResult = number | { score: number; costUsd?: number };

/**
 * A user function from a sample to a score: an LLM-as-judge call, a heuristic, a classifier. It runs off the
 * request path; `signal` aborts when it exceeds the runner's timeout. Its score is recorded as the named
 * metric of the name it is registered under; one registered as `quality` scores the gate's primary metric.
 */
export type Judge = (sample: JudgeSample, signal: AbortSignal) => JudgeResult | Promise<JudgeResult>;
