/** Summary statistics of one group of a numeric metric. sd is the sample standard deviation (n − 1). */
export interface SampleSummary {
  n: number;
  mean: number;
  sd: number;
}

/** Summary of one group of a yes/no metric: `events` out of `n` (e.g. errors out of requests). */
export interface ProportionSample {
  n: number;
  events: number;
}

/** A two-sided interval [lower, upper]. */
export type Interval = [lower: number, upper: number];

export interface AlphaOption {
  /** Two-sided significance level as a fraction (0.05 gives 95 % intervals). */
  alpha?: number;
}

/** A proportion as a numeric sample of 0/1 values (mean = rate, sd with n − 1), for the mean-based tests. */
export function proportionSummary(s: ProportionSample): SampleSummary {
  const rate = s.n > 0 ? s.events / s.n : NaN;
  const sd = s.n > 1 ? Math.sqrt((rate * (1 - rate) * s.n) / (s.n - 1)) : NaN;
  return { n: s.n, mean: rate, sd };
}
