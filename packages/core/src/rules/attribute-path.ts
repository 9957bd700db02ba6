/** Context attributes by dot path (`account.plan`), read without touching prototypes. */
import type { EvaluationContext } from '../evaluation/result.js';

/** Splits a dot path into its segments; `undefined` when a segment is empty. */
export function parseAttributePath(path: string): string[] | undefined {
  const segments = path.split('.');
  return segments.every((s) => s !== '') ? segments : undefined;
}

/**
 * The attribute at `segments`, or undefined when missing. Functions count as missing so an inherited
 * method (`toString`) never looks like an attribute. Without `indexArrays`, a path through an array is
 * missing, as with LaunchDarkly's attribute references.
 */
export function readAttribute(ctx: EvaluationContext, segments: readonly string[], indexArrays = true): unknown {
  let value: unknown = ctx;
  for (let i = 0; i < segments.length; i++) {
    if (value === null || typeof value !== 'object' || (!indexArrays && Array.isArray(value))) return undefined;
    const segment = segments[i] as string;
    // Own properties only: an attribute inherited from a polluted Object.prototype is no attribute.
    if (!Object.hasOwn(value, segment)) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return typeof value === 'function' ? undefined : value;
}
