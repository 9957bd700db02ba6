/** The bucketing unit of a context: a non-empty string, or an integer (read as its decimal string). */
import type { EvaluationContext } from '../evaluation/result.js';
import { readAttribute } from '../rules/attribute-path.js';

/**
 * The unit at `path` as a string; `undefined` when missing (absent, null, empty string), `null` when
 * present with a type that cannot be a unit (boolean, object, fractional number).
 */
export function readUnit(ctx: EvaluationContext, path: readonly string[]): string | undefined | null {
  const v = path.length === 1 ? ctx[path[0] as string] : readAttribute(ctx, path);
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (v === undefined || v === null || typeof v === 'function') return undefined;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
  return null;
}
