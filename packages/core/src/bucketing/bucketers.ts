/**
 * Precompiled bucketers: built once per flag at parse time (hash prefix, cumulative weight table), then
 * called per evaluation with the unit string only.
 */
import type { HashMode } from '../flags/schema.js';
import {
  FLAGD_TOTAL_WEIGHT,
  flagdScale,
  flagsmithDefaultId,
  flagsmithPercentageOf,
  LD_LONG_SCALE,
  MURMUR3_BUCKETS,
  UNLEASH_VARIANT_SEED,
} from './bucket-functions.js';
import { md5Mod, sha1Hex } from './digest.js';
import { murmur3Continue, murmur3jsContinue, murmur3jsPrefix, murmur3Prefix } from './murmur3.js';

export interface BucketingSettings {
  hash: HashMode;
  flagKey: string;
  salt: string;
  seed?: number;
  groupId: string;
}

/** Decides membership in a one-variant rollout. */
export interface RolloutBucketer {
  /** True when `unit` is inside a rollout of `percentage` percent (0-100). */
  inRollout(unit: string, percentage: number): boolean;
}

/** Picks a variant of a weighted split. */
export interface SplitBucketer {
  /** Index into the weights the bucketer was built with. */
  pick(unit: string): number;
}

/** murmur3/md5 thresholds: cumulative weights in the mode's units (1/1000 % or 1 %). */
function cumulative(weights: readonly number[], scale: number): number[] {
  let sum = 0;
  return weights.map((w) => (sum += Math.round(w * scale)));
}

function pickBelow(bucket: number, thresholds: readonly number[]): number {
  for (let i = 0; i < thresholds.length; i++) if (bucket < (thresholds[i] as number)) return i;
  return thresholds.length - 1;
}

class Murmur3Bucketer implements RolloutBucketer, SplitBucketer {
  private readonly prefix;
  constructor(
    settings: BucketingSettings,
    private readonly thresholds: readonly number[] = [],
  ) {
    this.prefix = murmur3Prefix(`${settings.salt}/`);
  }
  inRollout(unit: string, percentage: number): boolean {
    return murmur3Continue(this.prefix, unit) % MURMUR3_BUCKETS < Math.round(percentage * 1000);
  }
  pick(unit: string): number {
    return pickBelow(murmur3Continue(this.prefix, unit) % MURMUR3_BUCKETS, this.thresholds);
  }
}

class Md5Bucketer implements RolloutBucketer, SplitBucketer {
  private readonly prefix: string;
  constructor(
    settings: BucketingSettings,
    private readonly thresholds: readonly number[] = [],
  ) {
    this.prefix = `${settings.salt}:`;
  }
  private bucket(unit: string): number {
    return md5Mod(this.prefix + unit, 100);
  }
  inRollout(unit: string, percentage: number): boolean {
    return this.bucket(unit) < percentage;
  }
  pick(unit: string): number {
    return pickBelow(this.bucket(unit), this.thresholds);
  }
}

class LaunchDarklyBucketer implements RolloutBucketer, SplitBucketer {
  private readonly prefix: string;
  /** Running sums of weight / 100000, accumulated in the same float order as LaunchDarkly's evaluator. */
  private readonly sums: number[];
  constructor(settings: BucketingSettings, weights: readonly number[] = []) {
    this.prefix = settings.seed ? `${Number(settings.seed)}.` : `${settings.flagKey}.${settings.salt}.`;
    let sum = 0;
    this.sums = weights.map((w) => (sum += Math.round(w * 1000) / 100000));
  }
  private bucket(unit: string): number {
    return parseInt(sha1Hex(this.prefix + unit).substring(0, 15), 16) / LD_LONG_SCALE;
  }
  inRollout(unit: string, percentage: number): boolean {
    return this.bucket(unit) < Math.round(percentage * 1000) / 100000;
  }
  pick(unit: string): number {
    // Past the last sum, LaunchDarkly serves the last variation.
    return pickBelow(this.bucket(unit), this.sums);
  }
}

class UnleashBucketer implements RolloutBucketer, SplitBucketer {
  private readonly rolloutPrefix;
  private readonly variantPrefix;
  /** Unleash variant weights (1/1000: our percent x 10). */
  private readonly weights: number[];
  private readonly total: number;
  constructor(settings: BucketingSettings, weights: readonly number[] = []) {
    this.rolloutPrefix = murmur3jsPrefix(`${settings.groupId}:`, 0);
    this.variantPrefix = murmur3jsPrefix(`${settings.groupId}:`, UNLEASH_VARIANT_SEED);
    this.weights = weights.map((w) => Math.round(w * 10));
    this.total = this.weights.reduce((a, b) => a + b, 0);
  }
  inRollout(unit: string, percentage: number): boolean {
    return percentage > 0 && (murmur3jsContinue(this.rolloutPrefix, unit) % 100) + 1 <= percentage;
  }
  pick(unit: string): number {
    const target = (murmur3jsContinue(this.variantPrefix, unit) % this.total) + 1;
    let counter = 0;
    for (let i = 0; i < this.weights.length; i++) {
      const w = this.weights[i] as number;
      if (w === 0) continue;
      counter += w;
      if (counter >= target) return i;
    }
    return this.weights.length - 1;
  }
}

/**
 * flagd's fractional: the split's weights are flagd's integer weights, any total. They are scaled by 1000 (for
 * 0.001 % percents); `floor(x) < n` exactly when `floor(1000x) < 1000n`, so the bucket is flagd's.
 */
class FlagdBucketer implements RolloutBucketer, SplitBucketer {
  private readonly prefix;
  private readonly sums: number[];
  private readonly total: number;
  constructor(settings: BucketingSettings, weights: readonly number[] = []) {
    this.prefix = murmur3Prefix(settings.salt);
    this.sums = cumulative(weights, 1000);
    this.total = this.sums.length > 0 ? (this.sums[this.sums.length - 1] as number) : FLAGD_TOTAL_WEIGHT;
  }
  inRollout(unit: string, percentage: number): boolean {
    return flagdScale(murmur3Continue(this.prefix, unit), FLAGD_TOTAL_WEIGHT) < Math.round(percentage * 1000);
  }
  pick(unit: string): number {
    return pickBelow(flagdScale(murmur3Continue(this.prefix, unit), this.total), this.sums);
  }
}

/**
 * Flagsmith: `<id>,<environment key>_<unit>` hashed to a percentage in [0, 100), where the id is the rollout's
 * segment id or the split's feature-state id (`seed`) and the environment key is the salt. A rollout is a
 * PERCENTAGE_SPLIT condition (percentage value <= the rollout's); a split walks its options in order, option i
 * taking [start, start + weight), with the weights summed in the same float order as Flagsmith's engine.
 */
class FlagsmithBucketer implements RolloutBucketer, SplitBucketer {
  private readonly prefix: string;
  constructor(
    settings: BucketingSettings,
    private readonly weights: readonly number[] = [],
  ) {
    this.prefix = `${settings.seed ?? flagsmithDefaultId(settings.flagKey)},${settings.salt}_`;
  }
  inRollout(unit: string, percentage: number): boolean {
    return flagsmithPercentageOf(this.prefix + unit) <= percentage;
  }
  pick(unit: string): number {
    const value = flagsmithPercentageOf(this.prefix + unit);
    let start = 0;
    for (let i = 0; i < this.weights.length; i++) {
      const limit = start + (this.weights[i] as number);
      if (start <= value && value < limit) return i;
      start = limit;
    }
    // Flagsmith serves the feature's control value here; the exporter makes that the last variant's value.
    return this.weights.length - 1;
  }
}

/** A bucketer for a one-variant rollout. */
export function createRolloutBucketer(settings: BucketingSettings): RolloutBucketer {
  return createBucketer(settings, []);
}

/** A bucketer for a split with percent `weights` (in bucket order, summing to 100). */
export function createSplitBucketer(settings: BucketingSettings, weights: readonly number[]): SplitBucketer {
  return createBucketer(settings, weights);
}

function createBucketer(settings: BucketingSettings, weights: readonly number[]): RolloutBucketer & SplitBucketer {
  switch (settings.hash) {
    case 'murmur3':
      return new Murmur3Bucketer(settings, cumulative(weights, 1000));
    case 'md5':
      return new Md5Bucketer(settings, cumulative(weights, 1));
    case 'launchdarkly':
      return new LaunchDarklyBucketer(settings, weights);
    case 'unleash':
      return new UnleashBucketer(settings, weights);
    case 'flagd':
      return new FlagdBucketer(settings, weights);
    case 'flagsmith':
      return new FlagsmithBucketer(settings, weights);
  }
}
