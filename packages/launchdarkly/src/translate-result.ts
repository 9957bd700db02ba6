import { ErrorCode, StandardResolutionReasons } from '@openfeature/server-sdk';
import type { FlagValue, FlagValueType, ResolutionDetails } from '@openfeature/server-sdk';
import type { LDEvaluationDetail, LDEvaluationReason } from '@launchdarkly/node-server-sdk';
import { hasValueType } from '@aiflags/provider';
import type { FlagCatalogEntry } from './flag-catalog.js';

/** LaunchDarkly `errorKind` → OpenFeature error code. */
export const ERROR_KINDS: Readonly<Record<string, ErrorCode>> = {
  FLAG_NOT_FOUND: ErrorCode.FLAG_NOT_FOUND,
  WRONG_TYPE: ErrorCode.TYPE_MISMATCH,
  CLIENT_NOT_READY: ErrorCode.PROVIDER_NOT_READY,
  MALFORMED_FLAG: ErrorCode.PARSE_ERROR,
  USER_NOT_SPECIFIED: ErrorCode.TARGETING_KEY_MISSING,
};

/** LaunchDarkly reason → OpenFeature reason; FALLTHROUGH depends on whether a rollout assigned the value and whether the flag has rules. */
export function translateReason(reason: LDEvaluationReason, entry?: FlagCatalogEntry): string {
  switch (reason.kind) {
    case 'OFF':
    case 'PREREQUISITE_FAILED':
      return StandardResolutionReasons.DISABLED;
    case 'TARGET_MATCH':
    case 'RULE_MATCH':
      return StandardResolutionReasons.TARGETING_MATCH;
    case 'FALLTHROUGH':
      if (reason.inExperiment === true || entry?.fallthroughRollout === true) return StandardResolutionReasons.SPLIT;
      return entry?.targeting === true ? StandardResolutionReasons.DEFAULT : StandardResolutionReasons.STATIC;
    case 'ERROR':
      return StandardResolutionReasons.ERROR;
    default:
      return reason.kind;
  }
}

/**
 * LaunchDarkly evaluation detail → OpenFeature resolution. Errors and values of the wrong type come back
 * as the caller's default with an error code, never as an exception.
 */
export function translateResult<T extends FlagValue>(
  detail: LDEvaluationDetail,
  type: FlagValueType,
  defaultValue: T,
  entry?: FlagCatalogEntry,
): ResolutionDetails<T> {
  const flagMetadata = entry?.flagMetadata ?? {};
  if (detail.reason.kind === 'ERROR') {
    const kind = detail.reason.errorKind ?? 'UNKNOWN';
    return {
      value: defaultValue,
      reason: StandardResolutionReasons.ERROR,
      errorCode: ERROR_KINDS[kind] ?? ErrorCode.GENERAL,
      errorMessage: `LaunchDarkly error ${kind}`,
      flagMetadata,
    };
  }
  const reason = translateReason(detail.reason, entry);
  // An off flag without an off variation serves nothing: the SDK hands back the default and no index.
  if (detail.variationIndex === null || detail.variationIndex === undefined) {
    return { value: defaultValue, reason, flagMetadata };
  }
  if (!hasValueType(detail.value, type)) {
    return {
      value: defaultValue,
      reason: StandardResolutionReasons.ERROR,
      errorCode: ErrorCode.TYPE_MISMATCH,
      errorMessage: `flag value is ${describe(detail.value)}, ${type} was requested`,
      flagMetadata,
    };
  }
  const variant = entry?.variants[detail.variationIndex] ?? String(detail.variationIndex);
  return { value: detail.value as T, variant, reason, flagMetadata };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}
