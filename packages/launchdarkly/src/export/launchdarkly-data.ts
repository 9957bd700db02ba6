/**
 * LaunchDarkly's server-side flag data: what its polling/streaming endpoints deliver and its file data
 * source reads (`{ flags, segments }`). Field names are LaunchDarkly's; only what the exporter writes.
 */
import type { FlagCatalog } from '../flag-catalog.js';

export type LaunchDarklyOp =
  | 'in'
  | 'startsWith'
  | 'endsWith'
  | 'contains'
  | 'matches'
  | 'lessThan'
  | 'lessThanOrEqual'
  | 'greaterThan'
  | 'greaterThanOrEqual'
  | 'before'
  | 'after'
  | 'semVerEqual'
  | 'semVerLessThan'
  | 'semVerGreaterThan'
  | 'segmentMatch';

export interface LaunchDarklyClause {
  contextKind?: string;
  /** An attribute reference: a plain name, or `/a/b` for a nested attribute. */
  attribute: string;
  op: LaunchDarklyOp;
  values: unknown[];
  negate: boolean;
}

export interface LaunchDarklyWeightedVariation {
  variation: number;
  /** 1/100000: 100000 is the whole population. */
  weight: number;
}

export interface LaunchDarklyRollout {
  kind: 'rollout';
  contextKind: string;
  variations: LaunchDarklyWeightedVariation[];
  bucketBy?: string;
  seed?: number;
}

export interface LaunchDarklyVariationOrRollout {
  variation?: number;
  rollout?: LaunchDarklyRollout;
}

export interface LaunchDarklyRule extends LaunchDarklyVariationOrRollout {
  id: string;
  /** Not read by the SDK; carries the rule's name for people reading the export. */
  description?: string;
  clauses: LaunchDarklyClause[];
  trackEvents: boolean;
}

export interface LaunchDarklyFlag {
  key: string;
  version: number;
  on: boolean;
  variations: unknown[];
  offVariation: number;
  fallthrough: LaunchDarklyVariationOrRollout;
  rules: LaunchDarklyRule[];
  targets: [];
  contextTargets: [];
  prerequisites: [];
  salt: string;
  clientSide: boolean;
  trackEvents: boolean;
  trackEventsFallthrough: boolean;
  deleted: boolean;
}

export interface LaunchDarklySegmentRule {
  id: string;
  clauses: LaunchDarklyClause[];
}

export interface LaunchDarklySegment {
  key: string;
  version: number;
  included: string[];
  excluded: string[];
  rules: LaunchDarklySegmentRule[];
  salt: string;
  deleted: boolean;
}

/**
 * The export: `flags` and `segments` in LaunchDarkly's format (the file data source and a relay load it
 * as is), and `catalog`, which LaunchDarkly ignores and the aiflags provider reads for variant keys.
 */
export interface LaunchDarklyExport {
  flags: Record<string, LaunchDarklyFlag>;
  segments: Record<string, LaunchDarklySegment>;
  catalog: FlagCatalog;
}
