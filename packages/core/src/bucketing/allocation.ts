/**
 * The bucket order of a rollout or split as (variant, weight) pairs: what exporters translate into
 * LaunchDarkly rollout variations or Unleash variant weights so every unit keeps its variant.
 */
import type { RolloutDefinition, SplitDefinition } from '../flags/flag-set.js';

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

/** A split in the order written. */
export function splitAllocation(split: SplitDefinition): WeightedVariant[] {
  return Object.entries(split).map(([variant, weight]) => ({ variant, weight }));
}

/** Percent rounded to the 0.001 % resolution, dropping float noise (100 - 33.3 = 66.7). */
export function roundPercent(p: number): number {
  return Math.round(p * 1000) / 1000;
}
