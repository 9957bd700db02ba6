/**
 * Unleash's feature import format (the `data` of POST /api/admin/features-batch/import, the same JSON
 * the Unleash UI exports and imports), as accepted by unleash-server 7.5.
 */

export type UnleashOperator =
  | 'IN'
  | 'NOT_IN'
  | 'STR_STARTS_WITH'
  | 'STR_ENDS_WITH'
  | 'STR_CONTAINS'
  | 'NUM_EQ'
  | 'NUM_LT'
  | 'NUM_LTE'
  | 'NUM_GT'
  | 'NUM_GTE'
  | 'SEMVER_EQ'
  | 'SEMVER_LT'
  | 'SEMVER_GT'
  | 'DATE_AFTER'
  | 'DATE_BEFORE';

export interface UnleashConstraint {
  contextName: string;
  operator: UnleashOperator;
  /** Multi-value operators (IN, NOT_IN, STR_*). */
  values?: string[];
  /** Single-value operators (NUM_*, SEMVER_*, DATE_*). */
  value?: string;
  inverted: boolean;
  caseInsensitive: boolean;
}

export interface UnleashPayload {
  type: 'json' | 'string' | 'number';
  value: string;
}

export interface UnleashStrategyVariant {
  name: string;
  /** Per mille (1/1000); the server recomputes 'variable' weights so the strategy sums to 1000. */
  weight: number;
  weightType: 'fix' | 'variable';
  stickiness: string;
  payload?: UnleashPayload;
}

export interface UnleashFeatureStrategy {
  name: 'flexibleRollout';
  featureName: string;
  title?: string;
  /** rollout: whole percent as a string; groupId: the hash group; stickiness: 'default' or a context field. */
  parameters: { rollout: string; stickiness: string; groupId: string };
  constraints: UnleashConstraint[];
  variants: UnleashStrategyVariant[];
  segments: number[];
  /** Evaluation order: unleash-client serves the first strategy that matches. */
  sortOrder: number;
  disabled: boolean;
}

export interface UnleashFeature {
  name: string;
  type: 'release' | 'experiment' | 'operational' | 'kill-switch' | 'permission';
  description?: string;
  impressionData: boolean;
}

export interface UnleashFeatureEnvironment {
  name: string;
  featureName: string;
  environment: string;
  enabled: boolean;
  variants: [];
}

export interface UnleashContextField {
  name: string;
  description: string;
  /** true when a strategy uses the field as its stickiness (the bucketing unit). */
  stickiness: boolean;
  legalValues: [];
}

export interface UnleashImport {
  features: UnleashFeature[];
  featureStrategies: UnleashFeatureStrategy[];
  featureEnvironments: UnleashFeatureEnvironment[];
  contextFields: UnleashContextField[];
  featureTags: [];
  /** Empty: aiflags segments are written inline as strategy constraints (see README). */
  segments: [];
  tagTypes: [];
  dependencies: [];
}
