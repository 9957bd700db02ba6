/**
 * Flagsmith's environment document: what its `environment-document/` endpoint serves and what
 * flagsmith-nodejs reads in local evaluation and offline mode (`LocalFileHandler`). Field names are
 * Flagsmith's; only what the exporter writes.
 */
import type { FlagsmithCatalog } from '../value-catalog.js';

/** A feature-state value: Flagsmith stores strings, integers and booleans; objects are written as JSON text. */
export type FlagsmithValue = string | number | boolean | null;

export interface FlagsmithFeature {
  id: number;
  name: string;
  type: 'STANDARD' | 'MULTIVARIATE';
}

export interface FlagsmithMultivariateValue {
  /** Options are walked in the order of this id (the SDK's `priority`). */
  id: number;
  /** Percent, 0-100. */
  percentage_allocation: number;
  multivariate_feature_option: { id: number; value: FlagsmithValue };
}

export interface FlagsmithFeatureState {
  /** Hashed with the identity key to pick a multivariate option: without it the SDK makes up a uuid per load. */
  django_id: number;
  feature: FlagsmithFeature;
  enabled: boolean;
  feature_state_value: FlagsmithValue;
  multivariate_feature_state_values: FlagsmithMultivariateValue[];
  /** Segment overrides only: the lower the priority, the earlier the override wins. */
  feature_segment: { priority: number } | null;
}

export type FlagsmithOperator =
  | 'EQUAL'
  | 'NOT_EQUAL'
  | 'GREATER_THAN'
  | 'GREATER_THAN_INCLUSIVE'
  | 'LESS_THAN'
  | 'LESS_THAN_INCLUSIVE'
  | 'CONTAINS'
  | 'NOT_CONTAINS'
  | 'REGEX'
  | 'IN'
  | 'IS_SET'
  | 'PERCENTAGE_SPLIT';

export interface FlagsmithCondition {
  operator: FlagsmithOperator;
  /** A trait name, or a JSON path such as `$.identity.identifier`; absent for PERCENTAGE_SPLIT on the identity key. */
  property_?: string;
  value: string;
}

export interface FlagsmithSegmentRule {
  type: 'ALL' | 'ANY' | 'NONE';
  conditions: FlagsmithCondition[];
  rules: FlagsmithSegmentRule[];
}

export interface FlagsmithSegment {
  /** A PERCENTAGE_SPLIT condition hashes this id with the identity key. */
  id: number;
  name: string;
  rules: FlagsmithSegmentRule[];
  feature_states: FlagsmithFeatureState[];
}

export interface FlagsmithEnvironmentDocument {
  id: number;
  /** The environment key: the identity key is `<api_key>_<identifier>`. */
  api_key: string;
  name: string;
  project: {
    id: number;
    name: string;
    hide_disabled_flags: boolean;
    organisation: { id: number; name: string; feature_analytics: boolean; stop_serving_flags: boolean; persist_trait_data: boolean };
    segments: FlagsmithSegment[];
  };
  feature_states: FlagsmithFeatureState[];
  identity_overrides: [];
}

/** The export: an environment document flagsmith-nodejs loads as it is, plus `catalog`, which it ignores. */
export interface FlagsmithExport extends FlagsmithEnvironmentDocument {
  catalog: FlagsmithCatalog;
}
