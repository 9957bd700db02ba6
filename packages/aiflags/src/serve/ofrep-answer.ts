import { withCodeDefault, type EvaluationResult } from '@aiflags/core';

/** An HTTP status and the JSON body to send with it. */
export interface Answer {
  status: number;
  body: Record<string, unknown>;
}

const STATUS_OF_ERROR: Readonly<Record<string, number>> = {
  FLAG_NOT_FOUND: 404,
  TARGETING_KEY_MISSING: 400,
  INVALID_CONTEXT: 400,
  PARSE_ERROR: 400,
};

/**
 * One flag's OFREP answer: `{ key, value, reason, variant, metadata }`, or `{ key, errorCode,
 * errorDetails, metadata }`. A result with no value and no error (a disabled flag with nothing to
 * serve) leaves `value` out: OFREP's code-default answer.
 */
export function flagAnswer(key: string, evaluated: EvaluationResult): Record<string, unknown> {
  // A flagd file's caller default (no defaultVariant, or disabled) is OFREP's code default: no value.
  const result = withCodeDefault(evaluated);
  if (result.errorCode !== undefined) {
    return { key, errorCode: result.errorCode, errorDetails: result.errorMessage ?? result.errorCode, metadata: result.flagMetadata };
  }
  const answer: Record<string, unknown> = { key };
  if (result.value !== undefined) answer.value = result.value;
  answer.reason = result.reason;
  if (result.variant !== undefined) answer.variant = result.variant;
  answer.metadata = result.flagMetadata;
  return answer;
}

/** The single-flag endpoint's answer: 200, or 400 / 404 / 500 by the error code. */
export function singleAnswer(key: string, result: EvaluationResult): Answer {
  const body = flagAnswer(key, result);
  if (result.errorCode === undefined) return { status: 200, body };
  return { status: STATUS_OF_ERROR[result.errorCode] ?? 500, body };
}
