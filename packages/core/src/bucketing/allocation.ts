/**
 * The bucket order of a rollout or split as (variant, weight) pairs: what exporters translate into
 * LaunchDarkly rollout variations or Unleash variant weights so every unit keeps its variant.
 */
import type { RolloutDefinition, SplitDefinition } from '../flags/flag-set.js';
import type { HashMode } from '../flags/schema.js';

export interface WeightedVariant {
  variant: string;
  /** Percent, 0-100. */
  weight: number;
}

/**
 * A rollout is the treated variant first (buckets below the percentage), then the default variant.
 * That order is what makes raising the percentage keep every treated unit.
 */
export function rolloutAllocation(rollout: RolloutDefinition, defaultVariant: string): WeightedVariant[] {
  return [
    { variant: rollout.variant, weight: rollout.percentage },
    { variant: defaultVariant, weight: roundPercent(100 - rollout.percentage) },
  ];
}

/**
 * A split in bucket order: as written, except in `unleash` mode. unleash-server sorts a strategy's variants
 * by name when it stores them (`fixVariantWeights`, `localeCompare`), and the order decides which buckets a
 * variant gets; sorting here too means a split assigns the same users locally and on the server, however
 * the file lists it.
 */
export function splitAllocation(split: SplitDefinition, hash?: HashMode): WeightedVariant[] {
  const entries = Object.entries(split).map(([variant, weight]) => ({ variant, weight }));
  return hash === 'unleash' ? entries.sort((a, b) => a.variant.localeCompare(b.variant, 'en')) : entries;
}

/** Percent rounded to the 0.001 % resolution, dropping float noise (100 - 33.3 = 66.7). */
export function roundPercent(p: number): number {
  return Math.round(p * 1000) / 1000;
}
