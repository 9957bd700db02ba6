/** The pure evaluator: (flag set, key, context, live state) -> result. Synchronous; never throws. */
import type { FlagRuntime, KillSwitchRuntime } from '../flags/compile-flag-set.js';
import type { FlagSet, FlagType } from '../flags/flag-set.js';
import type { LiveState } from '../live-state/index.js';
import type { EvaluationContext, EvaluationResult, FlagValue, JsonObject } from './result.js';
import { ErrorCodes } from './result.js';
import { errorResult } from './results.js';

const EMPTY_CONTEXT: EvaluationContext = Object.freeze({});

/**
 * Evaluates flag or kill switch `key` for `ctx`, overlaying `live` (flag overrides, kill switches) when
 * given. Results are frozen and may be shared between calls: copy one before changing it.
 */
export function evaluate(set: FlagSet, key: string, ctx: EvaluationContext | null | undefined, live?: LiveState): EvaluationResult {
  let flag: FlagRuntime | KillSwitchRuntime | undefined;
  try {
    const context = ctx !== null && typeof ctx === 'object' ? ctx : EMPTY_CONTEXT;
    flag = set.flags.get(key) as FlagRuntime | undefined;
    if (flag !== undefined) return flag.program.evaluate(context, live);
    flag = set.killSwitches.get(key) as KillSwitchRuntime | undefined;
    if (flag !== undefined) return flag.program.evaluate(context, live);
    return errorResult(ErrorCodes.FLAG_NOT_FOUND, `flag '${String(key)}' is not defined in ${set.source}`, set.flagMetadata);
  } catch (err) {
    return generalError(set, flag, err);
  }
}

function generalError(set: FlagSet, flag: { flagMetadata: FlagSet['flagMetadata'] } | undefined, err: unknown): EvaluationResult {
  let message: string;
  try {
    message = err instanceof Error ? err.message : String(err);
  } catch {
    message = 'unknown error';
  }
  try {
    return errorResult(ErrorCodes.GENERAL, `evaluation failed: ${message}`, flag?.flagMetadata ?? set.flagMetadata);
  } catch {
    return errorResult(ErrorCodes.GENERAL, 'evaluation failed', {});
  }
}

/** The value type a flag or kill switch serves, or undefined when `key` is not in the set. */
export function flagTypeOf(set: FlagSet, key: string): FlagType | undefined {
  return set.flags.get(key)?.type ?? (set.killSwitches.has(key) ? 'boolean' : undefined);
}

export interface FlagTypeMap {
  boolean: boolean;
  string: string;
  number: number;
  object: JsonObject | FlagValue[];
}

/**
 * Like evaluate, but returns TYPE_MISMATCH (value undefined) when the flag's type is not `type`, so a
 * provider can map each OpenFeature resolve method onto it.
 */
export function evaluateTyped<T extends FlagType>(
  set: FlagSet,
  key: string,
  type: T,
  ctx: EvaluationContext | null | undefined,
  live?: LiveState,
): EvaluationResult<FlagTypeMap[T]> {
  const actual = flagTypeOf(set, key);
  if (actual !== undefined && actual !== type) {
    const meta = set.flags.get(key)?.flagMetadata ?? set.killSwitches.get(key)?.flagMetadata ?? set.flagMetadata;
    return errorResult(ErrorCodes.TYPE_MISMATCH, `flag '${key}' is a ${actual} flag, requested as ${type}`, meta) as EvaluationResult<FlagTypeMap[T]>;
  }
  return evaluate(set, key, ctx, live) as EvaluationResult<FlagTypeMap[T]>;
}
