/** The bucketing unit of a context: a non-empty string, or an integer (read as its decimal string). */
import type { EvaluationContext } from '../evaluation/result.js';
import type { HashMode } from '../flags/schema.js';
import { parseAttributePath, readAttribute } from '../rules/attribute-path.js';

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

/**
 * What a flag does for a context without a usable unit: answer an error (aiflags), bucket it to 0 as
 * LaunchDarkly does for a bucketBy attribute that is missing or neither a string nor an integer, or serve
 * nothing as Unleash's flexibleRollout does when the stickiness field is absent (even at 100 %).
 */
export type AbsentUnit = 'error' | 'bucket-zero' | 'serve-nothing';

export interface UnitReader {
  /** The unit; `undefined` when missing, `null` when present but unusable (see unitFromValue). */
  read(ctx: EvaluationContext): string | undefined | null;
  readonly absent: AbsentUnit;
}

/** LaunchDarkly's bucketable value: a string (the empty one too) or an integer as its decimal text, else null. */
export function launchDarklyUnit(v: unknown): string | null {
  if (typeof v === 'string') return v;
  return typeof v === 'number' && Number.isInteger(v) ? String(v) : null;
}

/** Unleash's stickiness id: a scalar as its text (unleash-client stringifies context values); missing when empty. */
export function unleashUnit(v: unknown): string | undefined {
  if (typeof v === 'string') return v === '' ? undefined : v;
  return typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}

/**
 * Unleash's `default` stickiness: the userId (our targetingKey, else a `userId` attribute, as the Unleash
 * provider maps them), else the sessionId. Its last resort, a random id, has no deterministic equivalent:
 * that context stays TARGETING_KEY_MISSING.
 */
function readUnleashDefaultStickiness(ctx: EvaluationContext): string | undefined {
  const key = Object.hasOwn(ctx, 'targetingKey') ? ctx.targetingKey : undefined;
  const userId = key ?? (Object.hasOwn(ctx, 'userId') ? ctx['userId'] : undefined);
  return unleashUnit(userId) ?? unleashUnit(Object.hasOwn(ctx, 'sessionId') ? ctx['sessionId'] : undefined);
}

/**
 * LaunchDarkly's context key as its provider picks it: the targetingKey, else a non-empty `key` attribute.
 * Without either LaunchDarkly answers an error, as we do.
 */
function readLaunchDarklyKey(ctx: EvaluationContext): string | undefined | null {
  const unit = readTargetingKey(ctx);
  if (unit !== undefined) return unit;
  const key = Object.hasOwn(ctx, 'key') ? ctx['key'] : undefined;
  return typeof key === 'string' && key !== '' ? key : undefined;
}

/**
 * The unit reader of a flag bucketing by `by` in mode `hash`: in the launchdarkly and unleash modes as the
 * vendor's provider and evaluator read it (a context without a key is an error there too), else as aiflags.
 */
export function createUnitReader(hash: HashMode, by: string): UnitReader {
  if (by === 'targetingKey') {
    const read = hash === 'unleash' ? readUnleashDefaultStickiness : hash === 'launchdarkly' ? readLaunchDarklyKey : readTargetingKey;
    return { read, absent: 'error' };
  }
  const path = parseAttributePath(by) ?? [by];
  if (hash === 'launchdarkly') return { read: (ctx) => launchDarklyUnit(readAttribute(ctx, path, false)), absent: 'bucket-zero' };
  if (hash === 'unleash') return { read: (ctx) => unleashUnit(readAttribute(ctx, path)), absent: 'serve-nothing' };
  return { read: (ctx) => readUnit(ctx, path), absent: 'error' };
}
