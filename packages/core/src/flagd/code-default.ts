/**
 * flagd serves the caller's default for a flag with no defaultVariant and for a disabled flag. In aiflags
 * terms that is a variant of its own, which whoever holds the caller's default (the LocalProvider, the OFREP
 * server) answers with it.
 */
import type { EvaluationResult } from '../evaluation/result.js';
import { Reasons } from '../evaluation/result.js';

/** The reserved variant standing for the caller's default. Its value only carries the flag's type. */
export const CODE_DEFAULT_VARIANT = 'flagd.code-default';

/**
 * The result without value and variant when it serves CODE_DEFAULT_VARIANT (the caller's default applies),
 * reason DEFAULT in place of STATIC as flagd says; any other result as it is.
 */
export function withCodeDefault(result: EvaluationResult): EvaluationResult {
  if (result.variant !== CODE_DEFAULT_VARIANT) return result;
  return { value: undefined, reason: result.reason === Reasons.STATIC ? Reasons.DEFAULT : result.reason, flagMetadata: result.flagMetadata };
}
