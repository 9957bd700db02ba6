import { ErrorCode, StandardResolutionReasons } from '@openfeature/server-sdk';
import type { FlagValue, FlagValueType, ResolutionDetails } from '@openfeature/server-sdk';
import { errorResolution, hasValueType } from '@aiflags/provider';
import { type FlagsmithCatalogEntry, valueKey } from './value-catalog.js';

/** What `Flags.getFlag(name)` returns: `isDefault` when the environment has no such feature. */
export interface FlagsmithFlag {
  enabled: boolean;
  value: unknown;
  isDefault: boolean;
  /** Local evaluation's reason: `DEFAULT`, `TARGETING_MATCH; segment=<name>` or `SPLIT; weight=<percent>`. */
  reason?: string;
}

/**
 * Flagsmith reason → OpenFeature reason. A segment override is TARGETING_MATCH, except the flag's rollout
 * segment, which is SPLIT; a multivariate pick is SPLIT (TARGETING_MATCH when the flag splits in rules only); the
 * environment default is DISABLED for a flag switched off, SPLIT under a top-level rollout or split,
 * DEFAULT behind rules and STATIC otherwise. Kill switches: on is STATIC, off is DISABLED.
 */
export function translateReason(reason: string | undefined, enabled: boolean, entry?: FlagsmithCatalogEntry): string {
  if (entry?.killSwitch) return enabled ? StandardResolutionReasons.STATIC : StandardResolutionReasons.DISABLED;
  const [kind = 'DEFAULT', detail] = (reason ?? 'DEFAULT').split('; ');
  if (kind === 'TARGETING_MATCH') {
    return entry?.rolloutSegment !== undefined && detail === `segment=${entry.rolloutSegment}`
      ? StandardResolutionReasons.SPLIT
      : StandardResolutionReasons.TARGETING_MATCH;
  }
  if (kind === 'SPLIT') return entry !== undefined && !entry.topSplit ? StandardResolutionReasons.TARGETING_MATCH : StandardResolutionReasons.SPLIT;
  if (entry?.disabled) return StandardResolutionReasons.DISABLED;
  if (entry?.fallthroughSplit) return StandardResolutionReasons.SPLIT;
  return entry?.targeting ? StandardResolutionReasons.DEFAULT : StandardResolutionReasons.STATIC;
}

/**
 * Flagsmith's flag → OpenFeature resolution. Booleans are the feature's enabled state; strings and numbers
 * are its value (a number may arrive as numeric text); objects are JSON text or a JSON value. A
 * non-boolean feature that is switched off serves its value with DISABLED. Unknown features, values of
 * the wrong type and JSON that does not parse come back as the caller's default with an error code.
 */
export function translateResult<T extends FlagValue>(
  flag: FlagsmithFlag,
  type: FlagValueType,
  defaultValue: T,
  entry?: FlagsmithCatalogEntry,
  flagKey = '',
): ResolutionDetails<T> {
  const flagMetadata = entry?.flagMetadata ?? {};
  if (flag.isDefault) {
    return errorResolution(defaultValue, ErrorCode.FLAG_NOT_FOUND, `Flagsmith has no feature "${flagKey}" in this environment`, flagMetadata);
  }
  if (entry !== undefined && (entry.type === 'boolean') !== (type === 'boolean')) {
    return errorResolution(defaultValue, ErrorCode.TYPE_MISMATCH, `${flagKey} is a ${entry.type} flag, ${type} was requested`, flagMetadata);
  }
  if (type !== 'boolean' && !flag.enabled && (flag.value === null || flag.value === undefined)) {
    return { value: defaultValue, reason: StandardResolutionReasons.DISABLED, flagMetadata };
  }
  const read = type === 'boolean' ? { ok: flag.enabled } : readValue(flag.value, type);
  if ('error' in read) return errorResolution(defaultValue, read.error, `${flagKey}: ${read.message}`, flagMetadata);
  const reason = type !== 'boolean' && !flag.enabled ? StandardResolutionReasons.DISABLED : translateReason(flag.reason, flag.enabled, entry);
  const variant = entry?.variants[valueKey(read.ok)];
  return { value: read.ok as T, reason, flagMetadata, ...(variant !== undefined ? { variant } : {}) };
}

type Read = { ok: FlagValue } | { error: ErrorCode; message: string };

/** A feature-state value read as `type`. */
export function readValue(value: unknown, type: Exclude<FlagValueType, 'boolean'>): Read {
  if (type === 'object') {
    let parsed = value;
    if (typeof value === 'string') {
      try {
        parsed = JSON.parse(value);
      } catch (error) {
        return { error: ErrorCode.PARSE_ERROR, message: `value is not JSON: ${(error as Error).message}` };
      }
    }
    if (typeof parsed === 'object' && parsed !== null) return { ok: parsed as FlagValue };
    return mismatch(parsed, type);
  }
  if (type === 'number' && typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return { ok: Number(value) };
  return hasValueType(value, type) ? { ok: value as FlagValue } : mismatch(value, type);
}

function mismatch(value: unknown, type: string): Read {
  const what = value === null || value === undefined ? 'empty' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
  return { error: ErrorCode.TYPE_MISMATCH, message: `value is ${what}, ${type} was requested` };
}
