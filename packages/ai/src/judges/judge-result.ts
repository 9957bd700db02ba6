import type { JudgeResult } from './judge.js';

/** A judge's answer once checked: a finite, non-negative score and cost (USD, 0 when not given). */
export interface JudgeVerdict {
  score: number;
  costUsd: number;
}

/** The checked verdict, or a message saying what is wrong with the judge's answer (NaN, a string, a negative…). */
export function readJudgeResult(value: unknown): JudgeVerdict | string {
  const result = value as JudgeResult;
  if (typeof result === 'number') return checkScore(result, 0);
  if (result === null || typeof result !== 'object') return `expected a number or { score, costUsd }, got ${describe(value)}`;
  const cost = result.costUsd ?? 0;
  if (typeof cost !== 'number' || !Number.isFinite(cost) || cost < 0) return `costUsd: expected a finite number ≥ 0, got ${describe(cost)}`;
  return checkScore(result.score, cost);
}

function checkScore(score: unknown, costUsd: number): JudgeVerdict | string {
  if (typeof score !== 'number' || !Number.isFinite(score) || score < 0) return `score: expected a finite number ≥ 0, got ${describe(score)}`;
  return { score, costUsd };
}

function describe(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return value === null ? 'null' : typeof value;
}
