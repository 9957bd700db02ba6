import type { FlagMetadata, FlagType } from '@aiflags/core';

/**
 * What flagsmith-nodejs does not deliver but an aiflags user relies on. Flagsmith answers with values
 * only, so variant keys are found by value; the reason depends on which segment matched. The exporter
 * writes it beside the environment document; the `aiflags` backend also builds it from the flag file.
 */
export interface FlagsmithCatalogEntry {
  type: FlagType;
  /** `valueKey(value)` → variant key. Booleans are keyed by the feature's enabled state. */
  variants: Record<string, string>;
  /** The segment of the flag's top-level rollout: matching it is a SPLIT, not a TARGETING_MATCH. */
  rolloutSegment?: string;
  /** The flag has a top-level split: a multivariate pick is SPLIT (else it came from a rule's split: TARGETING_MATCH). */
  topSplit?: boolean;
  /** The flag has a top-level rollout or split, so the environment default is a SPLIT too. */
  fallthroughSplit?: boolean;
  /** The flag has targeting rules: falling through them is DEFAULT, not STATIC. */
  targeting?: boolean;
  /** Switched off in the file: an unmatched answer is DISABLED. */
  disabled?: boolean;
  /** A kill switch: on is STATIC, off is DISABLED. */
  killSwitch?: boolean;
  flagMetadata?: FlagMetadata;
}

export type FlagsmithCatalog = Record<string, FlagsmithCatalogEntry>;

/** The catalog key of a flag value: JSON text, so `1` and `"1"` stay apart and objects compare by content. */
export function valueKey(value: unknown): string {
  return JSON.stringify(value) ?? 'undefined';
}
