import type { ProportionSample, SampleSummary } from './summary.js';

/** Throws a RangeError naming the function and argument when a summary cannot describe real data. */
export function checkSample(fn: string, name: string, s: SampleSummary): void {
  if (s === null || typeof s !== 'object') throw new RangeError(`${fn}: ${name} must be { n, mean, sd }`);
  if (!(Number.isInteger(s.n) && s.n >= 0)) throw new RangeError(`${fn}: ${name}.n must be a non-negative integer, got ${s.n}`);
  if (s.n > 0 && !Number.isFinite(s.mean)) throw new RangeError(`${fn}: ${name}.mean must be a finite number, got ${s.mean}`);
  if (s.n > 1 && !(Number.isFinite(s.sd) && s.sd >= 0)) throw new RangeError(`${fn}: ${name}.sd must be a finite number ≥ 0, got ${s.sd}`);
}

/** Throws a RangeError unless 0 ≤ events ≤ n are integers. */
export function checkProportion(fn: string, name: string, s: ProportionSample): void {
  if (s === null || typeof s !== 'object') throw new RangeError(`${fn}: ${name} must be { n, events }`);
  if (!(Number.isInteger(s.n) && s.n >= 0)) throw new RangeError(`${fn}: ${name}.n must be a non-negative integer, got ${s.n}`);
  if (!(Number.isInteger(s.events) && s.events >= 0 && s.events <= s.n)) {
    throw new RangeError(`${fn}: ${name}.events must be an integer in 0..n (${s.n}), got ${s.events}`);
  }
}

/** Throws a RangeError unless 0 < alpha < 1; returns it. */
export function checkAlpha(fn: string, alpha: number): number {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`${fn}: alpha must be a fraction in (0, 1), got ${alpha}`);
  return alpha;
}
