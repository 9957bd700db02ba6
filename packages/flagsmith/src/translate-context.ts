import type { EvaluationContext, EvaluationContextValue } from '@openfeature/server-sdk';

/** A Flagsmith trait value: Flagsmith stores strings, numbers and booleans. */
export type FlagsmithTrait = string | number | boolean;

/** Who Flagsmith evaluates for: an identity (identifier and traits), or the environment when there is no key. */
export interface FlagsmithIdentity {
  identifier?: string;
  traits: Record<string, FlagsmithTrait>;
}

/**
 * OpenFeature context → Flagsmith identity. `targetingKey` becomes the identifier; every other attribute
 * with a string, number or boolean value becomes a trait, a Date becomes its ISO text. Objects and arrays
 * have no trait form and are left out (send their parts as traits of their own).
 */
export function translateContext(context: EvaluationContext): FlagsmithIdentity {
  const traits: Record<string, FlagsmithTrait> = {};
  for (const [name, value] of Object.entries(context)) {
    if (name === 'targetingKey') continue;
    const trait = toTrait(value);
    if (trait !== undefined) traits[name] = trait;
  }
  const key = context.targetingKey;
  return typeof key === 'string' && key !== '' ? { identifier: key, traits } : { traits };
}

function toTrait(value: EvaluationContextValue | undefined): FlagsmithTrait | undefined {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  return undefined;
}
