import type { MetricDefinition } from './flag-set.js';
import type { MetricSpecInput } from './schema.js';

/**
 * A flag's named scores: its change type's, overlaid with its own (a name in both takes the flag's), defaults
 * filled in; `{}` when there are none, so the definition leaves the field out.
 */
export function flagMetrics(
  fromChangeType: Readonly<Record<string, MetricSpecInput>> | undefined,
  own: Readonly<Record<string, MetricSpecInput>> | undefined,
): { metrics?: Record<string, MetricDefinition> } {
  const out: Record<string, MetricDefinition> = {};
  for (const specs of [fromChangeType, own]) {
    for (const [name, spec] of Object.entries(specs ?? {})) out[name] = { direction: spec.direction ?? 'higher', guardrail: spec.guardrail === true };
  }
  return Object.keys(out).length > 0 ? { metrics: out } : {};
}
