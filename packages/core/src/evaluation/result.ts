/**
 * What every evaluation returns. These types are the contract between the pure evaluator, the providers
 * and the adapters; they mirror OpenFeature's resolution details so a provider can pass them through.
 */

/** A JSON value a flag variant can hold. Object variants are how a model config is written. */
export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };
export type FlagValue = boolean | string | number | JsonObject | JsonValue[];

/** Attributes of the unit being evaluated. `targetingKey` is the default bucketing unit. */
export interface EvaluationContext {
  targetingKey?: string;
  [attribute: string]: unknown;
}

/** OpenFeature resolution reasons, open to custom strings like OpenFeature's own `StandardResolutionReasons`. */
export const Reasons = {
  STATIC: 'STATIC',
  DEFAULT: 'DEFAULT',
  TARGETING_MATCH: 'TARGETING_MATCH',
  SPLIT: 'SPLIT',
  DISABLED: 'DISABLED',
  ERROR: 'ERROR',
} as const;
export type Reason = (typeof Reasons)[keyof typeof Reasons] | (string & {});

/** OpenFeature error codes this project produces. */
export const ErrorCodes = {
  FLAG_NOT_FOUND: 'FLAG_NOT_FOUND',
  TYPE_MISMATCH: 'TYPE_MISMATCH',
  PARSE_ERROR: 'PARSE_ERROR',
  TARGETING_KEY_MISSING: 'TARGETING_KEY_MISSING',
  INVALID_CONTEXT: 'INVALID_CONTEXT',
  PROVIDER_NOT_READY: 'PROVIDER_NOT_READY',
  GENERAL: 'GENERAL',
} as const;
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** Flag metadata handed to OpenFeature hooks (OpenTelemetry reads `flagSetId`, `version`, `changeType`). */
export type FlagMetadata = Record<string, string | number | boolean>;

export interface EvaluationResult<T extends FlagValue = FlagValue> {
  /** Undefined only with an `errorCode`, or for a disabled flag with nothing to serve: the caller's default applies. */
  value: T | undefined;
  variant?: string;
  reason: Reason;
  errorCode?: ErrorCode;
  errorMessage?: string;
  flagMetadata: FlagMetadata;
}
