/**
 * What flagd answers that no aiflags variant can, as reserved variants `evaluate` turns into the answer: a
 * flag whose `$ref` names no evaluator serves FLAGD_PARSE_ERROR_VARIANT (PARSE_ERROR; its description says
 * why); a fractional bucket whose variant is an attribute serves FLAGD_GENERAL_ERROR_VARIANT where the
 * attribute names no variant (GENERAL) and FLAGD_NULL_VARIANT where it is missing (the default, reason DEFAULT).
 */
import type { FlagDefinition } from '../flags/flag-set.js';
import type { FlagProgram } from '../evaluation/flag-program.js';
import type { EvaluationResult, FlagValue } from '../evaluation/result.js';
import { ErrorCodes, Reasons } from '../evaluation/result.js';
import { errorResult, makeResult } from '../evaluation/results.js';
import { configError } from '../flags/config-path.js';

export const FLAGD_PARSE_ERROR_VARIANT = 'flagd.parse-error';
export const FLAGD_GENERAL_ERROR_VARIANT = 'flagd.general-error';
export const FLAGD_NULL_VARIANT = 'flagd.null';
export const FLAGD_RESERVED_VARIANTS: readonly string[] = [FLAGD_PARSE_ERROR_VARIANT, FLAGD_GENERAL_ERROR_VARIANT, FLAGD_NULL_VARIANT];

/**
 * The flag's program, answering its reserved variants as flagd does; the program itself for a flag that has
 * none (every aiflags flag: their files cannot name them), so evaluation of those pays nothing for flagd.
 */
export function answeringAsFlagd(
  program: FlagProgram,
  source: string,
  key: string,
  description: string | undefined,
  def: Readonly<FlagDefinition>,
): FlagProgram {
  if (!FLAGD_RESERVED_VARIANTS.some((variant) => Object.hasOwn(def.variants, variant))) return program;
  return { evaluate: (ctx, live) => withFlagdAnswer(program.evaluate(ctx, live), source, key, description, def) };
}

/** What a result serving a reserved variant stands for; any other result as it is. */
function withFlagdAnswer(
  result: EvaluationResult,
  source: string,
  key: string,
  description: string | undefined,
  def: Readonly<FlagDefinition>,
): EvaluationResult {
  if (result.variant === FLAGD_PARSE_ERROR_VARIANT) {
    return errorResult(ErrorCodes.PARSE_ERROR, description ?? `${source}: flag '${key}' cannot be evaluated`, result.flagMetadata);
  }
  if (result.variant === FLAGD_GENERAL_ERROR_VARIANT) {
    return errorResult(ErrorCodes.GENERAL, `${source}: flag '${key}': a fractional bucket's variant attribute names no variant`, result.flagMetadata);
  }
  if (result.variant === FLAGD_NULL_VARIANT) {
    return makeResult(def.variants[def.defaultVariant] as FlagValue, def.defaultVariant, Reasons.DEFAULT, result.flagMetadata);
  }
  return result;
}

/** An aiflags file stays strict: it cannot name the reserved variants, so none of its flags answers an error by design. */
export function refuseFlagdErrorVariants(value: unknown, file: string): void {
  const flags = (value as { flags?: unknown } | null)?.flags;
  if (flags === null || typeof flags !== 'object') return;
  for (const [key, flag] of Object.entries(flags)) {
    const variants = (flag as { variants?: unknown } | null)?.variants;
    if (variants === null || typeof variants !== 'object') continue;
    for (const name of FLAGD_RESERVED_VARIANTS) {
      if (Object.hasOwn(variants, name))
        throw configError(file, ['flags', key, 'variants', name], `'${name}' is reserved for what flagd answers that no variant can`);
    }
  }
}
