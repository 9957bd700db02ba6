/**
 * Result factories. Every result has the same six fields in the same order (one hidden class for the
 * JIT), and the results a flag can return without an error are built once at parse time and frozen:
 * evaluation hands out shared objects and allocates nothing. Copy a result before changing it.
 */
import type { ErrorCode, EvaluationResult, FlagMetadata, FlagValue, Reason } from './result.js';
import { Reasons } from './result.js';

/** A result with every field present (undefined where absent), frozen. */
export function makeResult(
  value: FlagValue | undefined,
  variant: string | undefined,
  reason: Reason,
  flagMetadata: Readonly<FlagMetadata>,
  errorCode?: ErrorCode,
  errorMessage?: string,
): EvaluationResult {
  return Object.freeze({ value, variant, reason, errorCode, errorMessage, flagMetadata }) as EvaluationResult;
}

/** An error result: value undefined (the caller's default applies), reason ERROR. */
export function errorResult(errorCode: ErrorCode, errorMessage: string, flagMetadata: Readonly<FlagMetadata>): EvaluationResult {
  return makeResult(undefined, undefined, Reasons.ERROR, flagMetadata, errorCode, errorMessage);
}
