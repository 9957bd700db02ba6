import { ErrorCode, StandardResolutionReasons } from '@openfeature/server-sdk';
import type { FlagValue, FlagValueType, ResolutionDetails } from '@openfeature/server-sdk';

/** The parts of an Unleash feature definition the reason depends on. */
export interface FeatureShape {
  enabled: boolean;
  strategies?: Array<{
    name: string;
    parameters?: Record<string, unknown>;
    constraints?: unknown[];
    segments?: unknown[];
    variants?: unknown[];
  }>;
}

/** What `unleash.getVariant()` returns (one evaluation gives both the on/off state and the variant). */
export interface UnleashVariant {
  name: string;
  enabled: boolean;
  payload?: { type: string; value: string };
  feature_enabled?: boolean;
}

/**
 * Unleash's answer → OpenFeature resolution details. Unleash reports no reason, so it is derived from the
 * feature's shape (documented in the README):
 * - unknown feature → ERROR / FLAG_NOT_FOUND (caller's default);
 * - feature off in this environment → DISABLED (booleans: false; other types: the caller's default);
 * - one unconstrained 100 % strategy with at most one variant → STATIC;
 * - otherwise a served value → TARGETING_MATCH when any strategy has constraints or segments, else SPLIT;
 * - no strategy matched → false for booleans (SPLIT when the flag has no constraints: the rollout bucket
 *   decided; DEFAULT otherwise), the caller's default for other types (DEFAULT).
 * Strings, numbers and objects come from the variant payload: JSON payloads are parsed (PARSE_ERROR when
 * they do not parse) and type checked (TYPE_MISMATCH); a string flag whose variant has no payload serves
 * the variant name.
 */
export function translateResult<T extends FlagValue>(
  feature: FeatureShape | undefined,
  variant: UnleashVariant,
  type: FlagValueType,
  defaultValue: T,
  flagKey = '',
): ResolutionDetails<T> {
  if (!feature) {
    return failure(defaultValue, ErrorCode.FLAG_NOT_FOUND, `Unleash has no feature "${flagKey}" for this token's project and environment`);
  }
  if (!feature.enabled) {
    if (type === 'boolean') return { value: false as T, variant: 'off', reason: StandardResolutionReasons.DISABLED };
    return { value: defaultValue, reason: StandardResolutionReasons.DISABLED };
  }
  const matched = variant.feature_enabled ?? variant.enabled;
  const constrained = hasConstraints(feature);
  const servedReason = isStatic(feature)
    ? StandardResolutionReasons.STATIC
    : constrained
      ? StandardResolutionReasons.TARGETING_MATCH
      : StandardResolutionReasons.SPLIT;
  if (type === 'boolean') {
    if (matched) return { value: true as T, variant: variant.enabled ? variant.name : 'on', reason: servedReason };
    return {
      value: false as T,
      variant: 'off',
      reason: constrained ? StandardResolutionReasons.DEFAULT : StandardResolutionReasons.SPLIT,
    };
  }
  if (!matched || !variant.enabled) return { value: defaultValue, reason: StandardResolutionReasons.DEFAULT };
  const value = payloadValue(variant, type);
  if ('error' in value) return { ...failure(defaultValue, value.error, `${flagKey}: ${value.message}`), variant: variant.name };
  return { value: value.ok as T, variant: variant.name, reason: servedReason };
}

type Parsed = { ok: FlagValue } | { error: ErrorCode; message: string };

/** The variant's payload read as `type`. */
export function payloadValue(variant: UnleashVariant, type: Exclude<FlagValueType, 'boolean'>): Parsed {
  const payload = variant.payload;
  if (!payload) {
    if (type === 'string') return { ok: variant.name };
    return mismatch(`variant "${variant.name}" has no payload; a ${type} flag needs one`);
  }
  let value: unknown;
  switch (payload.type) {
    case 'json':
      try {
        value = JSON.parse(payload.value);
      } catch (error) {
        return { error: ErrorCode.PARSE_ERROR, message: `variant "${variant.name}" has a JSON payload that does not parse: ${(error as Error).message}` };
      }
      break;
    case 'number':
      value = Number(payload.value);
      if (payload.value.trim() === '' || Number.isNaN(value)) {
        return {
          error: ErrorCode.PARSE_ERROR,
          message: `variant "${variant.name}" has a number payload that is not a number: ${JSON.stringify(payload.value)}`,
        };
      }
      break;
    default:
      // 'string' and 'csv' are text.
      value = payload.value;
  }
  if (type === 'object') {
    if (value !== null && typeof value === 'object') return { ok: value as FlagValue };
    return mismatch(`variant "${variant.name}" payload is ${describe(value)}, not a JSON object`);
  }
  if (typeof value === type) return { ok: value as FlagValue };
  return mismatch(`variant "${variant.name}" payload is ${describe(value)}, not a ${type}`);
}

/** One strategy that serves everyone the same thing: no constraints, 100 %, at most one variant. */
function isStatic(feature: FeatureShape): boolean {
  const strategies = feature.strategies ?? [];
  if (strategies.length === 0) return true;
  if (strategies.length > 1) return false;
  const [only] = strategies;
  if (!only || hasStrategyConstraints(only) || (only.variants?.length ?? 0) > 1) return false;
  if (only.name === 'default') return true;
  return only.name === 'flexibleRollout' && Number(only.parameters?.rollout ?? 100) === 100;
}

function hasConstraints(feature: FeatureShape): boolean {
  return (feature.strategies ?? []).some(hasStrategyConstraints);
}

function hasStrategyConstraints(strategy: NonNullable<FeatureShape['strategies']>[number]): boolean {
  return (strategy.constraints?.length ?? 0) > 0 || (strategy.segments?.length ?? 0) > 0;
}

function mismatch(message: string): Parsed {
  return { error: ErrorCode.TYPE_MISMATCH, message };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

function failure<T extends FlagValue>(value: T, errorCode: ErrorCode, errorMessage: string): ResolutionDetails<T> {
  return { value, reason: StandardResolutionReasons.ERROR, errorCode, errorMessage };
}
