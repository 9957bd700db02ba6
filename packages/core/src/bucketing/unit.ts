/** The bucketing unit of a context: a non-empty string, or an integer (read as its decimal string). */
import type { EvaluationContext } from '../evaluation/result.js';
import { readAttribute } from '../rules/attribute-path.js';

/**
 * A context value as a unit string; `undefined` when missing (absent, null, empty string), `null` when
 * present with a type that cannot be a unit (boolean, object, fractional number).
 */
export function unitFromValue(v: unknown): string | undefined | null {
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (v === undefined || v === null || typeof v === 'function') return undefined;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
  return null;
}

/** The unit at attribute `path` (see unitFromValue). */
export function readUnit(ctx: EvaluationContext, path: readonly string[]): string | undefined | null {
  return unitFromValue(readAttribute(ctx, path));
}

/** readUnit for the default unit, `targetingKey`, as a direct property read (the common hot path). */
export function readTargetingKey(ctx: EvaluationContext): string | undefined | null {
  // Own property only, like every attribute read: an inherited targetingKey is no unit.
  return unitFromValue(Object.hasOwn(ctx, 'targetingKey') ? ctx.targetingKey : undefined);
}
