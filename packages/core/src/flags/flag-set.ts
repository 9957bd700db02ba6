/**
 * The compiled flag model other packages read: exporters (LaunchDarkly, Unleash), the provider, the CLI
 * and the rollout controller. Everything here is frozen. `definition` is the normalized full form of a
 * flag (the `{ enabled, percentage }` shorthand expanded, every default filled in), so a reader never
 * has to know the shorthand or the defaults.
 */
import type { FlagMetadata, FlagValue, JsonValue } from '../evaluation/result.js';
import type { FlagKind } from './flag-kind.js';
import type { ChangeType, ConditionInput, FlagInput, HashMode, KillSwitchInput, SegmentInput } from './schema.js';

/** The type every variant value of a flag shares; what the provider checks for TYPE_MISMATCH. */
export type FlagType = 'boolean' | 'string' | 'number' | 'object';

/** Bucketing settings with defaults applied. */
export interface BucketingDefinition {
  hash: HashMode;
  /** Context attribute (dot path) used as the unit. Default `targetingKey`. */
  by: string;
  /** Default: the flag key. murmur3 hashes `<salt>/<unit>`, md5 `<salt>:<unit>`, launchdarkly `<key>.<salt>.<unit>`, flagd `<salt><unit>`, flagsmith `<seed>,<salt>_<unit>` (the salt is the environment key). */
  salt: string;
  /** launchdarkly mode: when set (and non-zero, as in LaunchDarkly) hashes `<seed>.<unit>`. flagsmith mode: the segment / feature-state id. */
  seed?: number;
  /** unleash mode: hashes `<groupId>:<unit>`. Default: salt if written, else the flag key. */
  groupId: string;
}

/** Percent of units (0-100) served `variant`; the rest get the flag's defaultVariant. */
export interface RolloutDefinition {
  variant: string;
  percentage: number;
}

/** Percent weights by variant key, summing to 100 (flagd mode: relative weights, any total), in bucket order (the order written). */
export type SplitDefinition = Readonly<Record<string, number>>;

export type ConditionDefinition = ConditionInput;

export interface RuleDefinition {
  name?: string;
  segment?: string;
  conditions: ConditionDefinition[];
  /** Exactly one of variant | rollout | split is set. */
  variant?: string;
  rollout?: RolloutDefinition;
  split?: SplitDefinition;
}

/** A named score of a flag with defaults applied. */
export interface MetricDefinition {
  /** Which way is better. */
  direction: 'higher' | 'lower';
  /** A significant regression rolls the flag back; promotion needs it not significantly worse. */
  guardrail: boolean;
}

/** A judge the flag asks for by name, and the fraction (0-1) of its responses judged. */
export interface JudgeDefinition {
  rate: number;
}

/** The candidate run beside a sample of live requests, never served. */
export interface ShadowDefinition {
  variant: string;
  /** Fraction of requests, 0-1. */
  rate: number;
  /** A kill switch that stops shadow runs while it is off. */
  killSwitch?: string;
}

/** Token prices of a variant, USD per million tokens. */
export interface TokenPrices {
  input: number;
  output: number;
  /** Default: the input price. */
  cachedInput?: number;
}

/** A flag in normalized full form. */
export interface FlagDefinition {
  description?: string;
  owner?: string;
  changeType?: ChangeType;
  enabled: boolean;
  variants: Readonly<Record<string, FlagValue>>;
  defaultVariant: string;
  /** Served when the flag is disabled. Defaults to defaultVariant. */
  offVariant: string;
  /** At most one of rollout | split. */
  rollout?: RolloutDefinition;
  split?: SplitDefinition;
  rules: RuleDefinition[];
  bucketing: BucketingDefinition;
  /** Named scores: the file's `changeTypes.<changeType>.metrics` merged with the flag's own (the flag's win); absent when none. */
  metrics?: Readonly<Record<string, MetricDefinition>>;
  /** Judges by registered name; absent when none. */
  judges?: Readonly<Record<string, JudgeDefinition>>;
  /** Token prices by variant (each one a variant of the flag); absent when none. */
  prices?: Readonly<Record<string, TokenPrices>>;
  /** Shadow traffic for the candidate variant (a variant of the flag); absent when none. */
  shadow?: Readonly<ShadowDefinition>;
}

/** One flag of a FlagSet: `set.flags.get(key)`. */
export interface CompiledFlag {
  readonly key: string;
  readonly type: FlagType;
  readonly changeType?: ChangeType;
  /** `model-config`: every variant was checked against the model-config schema. */
  readonly kind?: FlagKind;
  readonly description?: string;
  readonly owner?: string;
  /** Normalized full form (shorthand expanded, defaults filled in). */
  readonly definition: Readonly<FlagDefinition>;
  /** The flag exactly as written in the file (after schema validation). */
  readonly written: Readonly<FlagInput>;
  /** True when written as `{ enabled, percentage }`: variants on=true / off=false. */
  readonly shorthand: boolean;
  /** Shared, frozen metadata put on every result of this flag. */
  readonly flagMetadata: Readonly<FlagMetadata>;
}

/** A kill switch: a boolean flag under its own key, on unless killed (live state) or `enabled: false`. */
export interface KillSwitch {
  readonly key: string;
  readonly description?: string;
  readonly owner?: string;
  /** Seconds a refused caller should wait. Default 300. */
  readonly retryAfter: number;
  /** As written in the file (default true). */
  readonly enabled: boolean;
  readonly written: Readonly<KillSwitchInput>;
  readonly flagMetadata: Readonly<FlagMetadata>;
}

export interface Segment {
  readonly key: string;
  readonly description?: string;
  readonly conditions: readonly ConditionDefinition[];
  readonly written: Readonly<SegmentInput>;
}

/** A validated, compiled, frozen flag file. Build with parseFlags / validateFlags; evaluate with evaluate(). */
export interface FlagSet {
  /** flagMetadata.flagSetId: the file's `id`, else the file's base name without extension. */
  readonly id: string;
  /** flagMetadata.flagSetVersion: the file's `version`, else a content hash (12 hex chars). */
  readonly version: string;
  /** Where the set came from (the file name given to parseFlags / the source given to validateFlags). */
  readonly source: string;
  readonly flags: ReadonlyMap<string, CompiledFlag>;
  readonly segments: ReadonlyMap<string, Segment>;
  readonly killSwitches: ReadonlyMap<string, KillSwitch>;
  /** Metadata for results not tied to one flag (FLAG_NOT_FOUND). */
  readonly flagMetadata: Readonly<FlagMetadata>;
}

/** Default seconds a caller refused by a kill switch should wait. */
export const DEFAULT_RETRY_AFTER_S = 300;

/** The type of a variant value. */
export function typeOfValue(value: FlagValue | JsonValue): FlagType | undefined {
  switch (typeof value) {
    case 'boolean':
      return 'boolean';
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    case 'object':
      return value === null ? undefined : 'object';
    default:
      return undefined;
  }
}
