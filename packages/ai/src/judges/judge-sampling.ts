import { murmur3 } from '@aiflags/core';

const UINT32 = 2 ** 32;

/**
 * Whether a response is in a judge's sample at `rate` (a fraction, 0-1): murmur3 of the response id
 * against the rate, so the same id is always in or out, in every process, and raising the rate keeps
 * every response that was in.
 */
export function inJudgeSample(responseId: string, rate: number): boolean {
  if (!(rate > 0)) return false;
  if (rate >= 1) return true;
  return murmur3(responseId) / UINT32 < rate;
}
