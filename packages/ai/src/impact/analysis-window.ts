import type { FlagOverride } from '@aiflags/core';
import { HOUR_MS, hourOf } from '@aiflags/metrics';

/** Which data a report or a rollout decision reads, and what a reader must know about it. */
export interface AnalysisWindow {
  /** Epoch ms the window starts (never later than now); undefined: all data. */
  since: number | undefined;
  /**
   * Epoch ms the sample-ratio check starts: the first whole hour of the current rollout step, when that is
   * later than `since`. The hour the step started in mixes the previous split with the new one.
   */
  srmSince?: number;
  /** Why the sample-ratio check is left out (the window spans a change of the split). */
  skipSrm?: string;
  /** Epoch ms the current rollout step started, when one is running. */
  stepStartedAt?: number;
  /** True when the window is the current rollout step's (no explicit start was asked for). */
  fromStep: boolean;
  /** What the window holds beyond [since, now], in words: the store keeps whole hours. */
  notes: string[];
}

export interface AnalysisWindowOptions {
  /** The flag's live override: a running rollout step starts the default window. */
  live?: FlagOverride | undefined;
  /** An explicit start (epoch ms), e.g. `aiflags report --since`. */
  since?: number | undefined;
  /** Epoch ms. */
  now: number;
}

/**
 * The analysis window of a flag: an explicit start when given, else the start of the current rollout step,
 * else all data. The metric store keeps hourly buckets, so the hour holding the start is read whole: the
 * window's notes say so, and the sample-ratio check starts at the step's first whole hour. A start in the
 * future (a clock ahead of this one) is taken as now.
 */
export function analysisWindow({ live, since, now }: AnalysisWindowOptions): AnalysisWindow {
  const parsed = live?.rolloutStatus === 'running' && live.stepStartedAt ? Date.parse(live.stepStartedAt) : NaN;
  const step = Number.isFinite(parsed) ? Math.min(parsed, now) : undefined;
  const withStep = step !== undefined ? { stepStartedAt: step } : {};
  if (since !== undefined) {
    const start = Math.min(since, now);
    const notes = partialHour(start, 'the window starts');
    if (step !== undefined && start < step) {
      return {
        since: start,
        skipSrm: `the window starts before ${formatUtcMinute(step)} UTC, when the rollout's current step changed the split`,
        ...withStep,
        fromStep: false,
        notes,
      };
    }
    return { since: start, ...withStep, fromStep: false, notes };
  }
  if (step === undefined) return { since: undefined, fromStep: false, notes: [] };
  const firstWholeHour = Math.ceil(step / HOUR_MS) * HOUR_MS;
  return {
    since: step,
    ...(firstWholeHour > step ? { srmSince: firstWholeHour } : {}),
    stepStartedAt: step,
    fromStep: true,
    notes: partialHour(step, "the rollout's current step started"),
  };
}

/** The note for a start inside an hour: that whole hour is read. */
function partialHour(start: number, what: string): string[] {
  const hour = hourOf(start);
  if (hour === start) return [];
  const minutes = Math.round((start - hour) / 60_000);
  return [
    `${what} at ${formatUtcMinute(start)} UTC; the store keeps whole hours, so the hour from ${formatUtcMinute(hour)} UTC is included (up to ${minutes} min before the start)`,
  ];
}

/** `2026-12-02 05:10`: epoch ms as a UTC date and minute, as reports print times. */
export function formatUtcMinute(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}
