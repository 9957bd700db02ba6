/**
 * What the AI layer records per request, and the store that aggregates it. Aggregates are mergeable
 * (count / mean / M2 by Chan et al., a DDSketch for latency), so any number of processes or instances
 * can be merged exactly at read time.
 */

export interface Exposure {
  flagKey: string;
  variant: string;
  /** The bucketing unit (usually the targeting key). */
  unitId?: string;
  /** Epoch ms; defaults to now. */
  at?: number;
}

export interface Outcome {
  flagKey: string;
  variant: string;
  unitId?: string;
  /** Epoch ms; defaults to now. */
  at?: number;
  latencyMs?: number;
  /** Any numeric quality score (e.g. 1-5 rating or an eval score); higher is better. */
  quality?: number;
  costUsd?: number;
  inputTokens?: number;
  outputTokens?: number;
  /** true for a failed request (counts toward the error rate). */
  error?: boolean;
  feedback?: 'positive' | 'negative';
}

export interface TimeRange {
  /** Epoch ms, inclusive. */
  since?: number;
  /** Epoch ms, exclusive. */
  until?: number;
}
