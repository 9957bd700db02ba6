/**
 * Running count / mean / M2 for one metric. Welford's update keeps M2 (the sum of squared deviations)
 * numerically stable where naive sums of squares lose precision, and Chan et al.'s pairwise formula
 * merges two of them exactly, so per-process or per-hour moments can be combined in any order.
 */
export interface Moments {
  count: number;
  mean: number;
  /** Sum of squared deviations from the mean. */
  m2: number;
  /** +Infinity while count is 0. */
  min: number;
  /** -Infinity while count is 0. */
  max: number;
  sum: number;
}

/** Empty moments (count 0). */
export function createMoments(): Moments {
  return { count: 0, mean: 0, m2: 0, min: Infinity, max: -Infinity, sum: 0 };
}

/** Adds one observation (Welford). */
export function addToMoments(m: Moments, x: number): void {
  const count = m.count + 1;
  const delta = x - m.mean;
  const mean = m.mean + delta / count;
  m.count = count;
  m.mean = mean;
  m.m2 += delta * (x - mean);
  m.sum += x;
  if (x < m.min) m.min = x;
  if (x > m.max) m.max = x;
}

/** Merges `from` into `into` (Chan et al. 1979); `from` is left unchanged. */
export function mergeMomentsInto(into: Moments, from: Moments): void {
  if (from.count === 0) return;
  if (into.count === 0) {
    into.count = from.count;
    into.mean = from.mean;
    into.m2 = from.m2;
    into.min = from.min;
    into.max = from.max;
    into.sum = from.sum;
    return;
  }
  const count = into.count + from.count;
  const delta = from.mean - into.mean;
  into.mean = into.mean + (delta * from.count) / count;
  into.m2 = into.m2 + from.m2 + (delta * delta * into.count * from.count) / count;
  into.count = count;
  into.sum += from.sum;
  if (from.min < into.min) into.min = from.min;
  if (from.max > into.max) into.max = from.max;
}

/** A new Moments equal to a merged with b. */
export function mergeMoments(a: Moments, b: Moments): Moments {
  const out = { ...a };
  mergeMomentsInto(out, b);
  return out;
}

/** Sample variance (n − 1 denominator); NaN below two observations. */
export function variance(m: Moments): number {
  return m.count < 2 ? NaN : m.m2 / (m.count - 1);
}

/** Sample standard deviation (n − 1 denominator); NaN below two observations. */
export function standardDeviation(m: Moments): number {
  return Math.sqrt(variance(m));
}

/** Moments as `{ n, mean, sd }`, the input shape of the t-test and interval functions. */
export function momentsSummary(m: Moments): { n: number; mean: number; sd: number } {
  return { n: m.count, mean: m.mean, sd: standardDeviation(m) };
}
