import type { FlagMetadata } from '@aiflags/core';

/**
 * What the LaunchDarkly SDK does not deliver but an aiflags user relies on: variant keys (SDK flag data
 * carries variation values only), whether the fallthrough is a rollout (its reason is a bare FALLTHROUGH),
 * and the flag-set metadata. `exportToLaunchDarkly` produces it beside the flag JSON.
 */
export interface FlagCatalogEntry {
  /** Variant keys in LaunchDarkly variation order: `variants[variationIndex]`. */
  variants: string[];
  /** True when the fallthrough is a percentage rollout, so a FALLTHROUGH result is reported as SPLIT. */
  fallthroughRollout?: boolean;
  /** True when the flag has targeting rules, so a FALLTHROUGH to one variation is DEFAULT (targeting matched nothing), not STATIC. */
  targeting?: boolean;
  flagMetadata?: FlagMetadata;
}

export type FlagCatalog = Record<string, FlagCatalogEntry>;
