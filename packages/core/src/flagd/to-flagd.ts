/**
 * An aiflags FlagSet as a flagd document that `@openfeature/flagd-core` loads: rules become an `if` chain,
 * rollouts and splits `fractional` buckets over 100,000 units. What flagd would serve differently is listed
 * as a problem (the CLI refuses to write a lossy export without --lossy).
 */
import type { JsonValue } from '../evaluation/result.js';
import type { ExportProblem, ExportResult } from '../export.js';
import type { CompiledFlag, ConditionDefinition, FlagSet, RolloutDefinition, SplitDefinition } from '../flags/flag-set.js';
import { CODE_DEFAULT_VARIANT } from './code-default.js';
import { FLAGD_NULL_VARIANT, FLAGD_PARSE_ERROR_VARIANT, FLAGD_RESERVED_VARIANTS } from './reserved-variants.js';
import { FLAGD_SCHEMA_URL, type FlagdDocument, type FlagdFlag } from './flagd-document.js';
import { isNeverRule, unitConditionCount } from './targeting-rules.js';
import { FLAGD_UNITS } from './targeting-tree.js';

type Problem = (field: string, message: string) => void;

/** Not written as variants: a bucket serving one names no variant, which flagd answers with GENERAL. */
const UNWRITTEN_VARIANTS = new Set([CODE_DEFAULT_VARIANT, ...FLAGD_RESERVED_VARIANTS]);

export function exportToFlagd(set: FlagSet): ExportResult<FlagdDocument> {
  const problems: ExportProblem[] = [];
  const flags: Record<string, FlagdFlag> = {};
  for (const [key, flag] of set.flags) flags[key] = flagToFlagd(flag, set, (field, message) => problems.push({ flag: key, field, message }));
  for (const key of set.killSwitches.keys())
    problems.push({ flag: key, field: 'killSwitches', message: 'kill switches have no flagd equivalent; not exported' });
  const { flagSetId, flagSetVersion, ...rest } = set.flagMetadata;
  return {
    data: { $schema: FLAGD_SCHEMA_URL, flags, metadata: { ...rest, flagSetId: set.id, version: set.version } },
    problems,
  };
}

function flagToFlagd(flag: CompiledFlag, set: FlagSet, problem: Problem): FlagdFlag {
  const def = flag.definition;
  const variants = Object.fromEntries(Object.entries(def.variants).filter(([name]) => !UNWRITTEN_VARIANTS.has(name))) as Record<string, JsonValue>;
  if (def.defaultVariant === FLAGD_PARSE_ERROR_VARIANT) {
    problem('defaultVariant', `answers PARSE_ERROR (${flag.description ?? 'unreadable targeting'}); exported serving the caller's default`);
    return { state: def.enabled ? 'ENABLED' : 'DISABLED', variants, defaultVariant: null };
  }
  if (!def.enabled && def.offVariant !== CODE_DEFAULT_VARIANT) {
    problem('offVariant', `a disabled flagd flag serves the caller's default, not variant '${def.offVariant}'`);
  }
  const bucketed = def.rollout !== undefined || def.split !== undefined || def.rules.some((r) => r.rollout !== undefined || r.split !== undefined);
  if (bucketed && def.bucketing.hash !== 'flagd') {
    problem('bucketing.hash', `flagd's fractional buckets as 'hash: flagd' does, not '${def.bucketing.hash}': users would change variant`);
  }
  const fallback: JsonValue = def.rollout
    ? fractional(rolloutArms(def.rollout, def.defaultVariant), flag)
    : def.split
      ? fractional(splitArms(def.split), flag)
      : null;
  const chain: JsonValue[] = [];
  def.rules.forEach((rule, i) => {
    if (isNeverRule(rule.conditions)) return;
    const segment = rule.segment !== undefined ? (set.segments.get(rule.segment)?.conditions ?? []) : [];
    // An imported fractional's unit test (see unitConditions): flagd's fractional makes it itself.
    const own = rule.conditions.slice(0, rule.conditions.length - unitConditionCount(rule.conditions, def.bucketing.by));
    const conditions = [...segment, ...own];
    const outcome: JsonValue =
      rule.variant ??
      (rule.rollout ? fractional(rolloutArms(rule.rollout, def.defaultVariant), flag) : fractional(splitArms(rule.split as SplitDefinition), flag));
    chain.push(allOf(conditions.map((c, j) => conditionToJsonLogic(c, (m) => problem(`rules[${i}].conditions[${j}]`, m)))), outcome);
  });
  const targeting = chain.length > 0 ? { if: [...chain, fallback] } : fallback;
  const metadata = flag.written.metadata;
  return {
    state: def.enabled ? 'ENABLED' : 'DISABLED',
    variants,
    defaultVariant: def.defaultVariant === CODE_DEFAULT_VARIANT ? null : def.defaultVariant,
    ...(targeting !== null ? { targeting } : {}),
    ...(metadata !== undefined ? { metadata: { ...metadata } } : {}),
  };
}

function rolloutArms(rollout: RolloutDefinition, defaultVariant: string): [string, number][] {
  const treated = Math.round(rollout.percentage * 1000);
  return rollout.variant === defaultVariant
    ? [[rollout.variant, FLAGD_UNITS]]
    : [
        [rollout.variant, treated],
        [defaultVariant, FLAGD_UNITS - treated],
      ];
}

/** Weights × 1000: whole numbers for 0.001 % percents, the same ratios for a flagd-mode split's own weights. A null bucket serves the default. */
function splitArms(split: SplitDefinition): [string | null, number][] {
  return Object.entries(split).map(([variant, weight]) => [variant === FLAGD_NULL_VARIANT ? null : variant, Math.round(weight * 1000)]);
}

function fractional(arms: [string | null, number][], flag: CompiledFlag): JsonValue {
  const { by, salt } = flag.definition.bucketing;
  const buckets = arms.filter(([, w]) => w > 0);
  if (by === 'targetingKey' && salt === flag.key) return { fractional: buckets };
  const unit = { var: by };
  const seed = salt === '' ? unit : { cat: [salt === flag.key ? { var: '$flagd.flagKey' } : salt, unit] };
  return { fractional: [seed, ...buckets] };
}

function allOf(parts: JsonValue[]): JsonValue {
  if (parts.length === 0) return true;
  return parts.length === 1 ? (parts[0] as JsonValue) : { and: parts };
}

/**
 * One aiflags condition in JSON Logic. aiflags' negated operators do not match a missing attribute, so the
 * export asks for the attribute first (`!= null`); flagd's `!` alone would match it.
 */
export function conditionToJsonLogic(c: ConditionDefinition, problem: (message: string) => void): JsonValue {
  const attr = { var: c.attribute };
  const values = c.values as JsonValue[];
  const anyOf = (make: (v: JsonValue) => JsonValue): JsonValue => (values.length === 1 ? make(values[0] as JsonValue) : { or: values.map(make) });
  const present = { '!=': [attr, null] };
  const not = (positive: JsonValue): JsonValue => ({ and: [present, { '!': positive }] });
  switch (c.op) {
    case 'in':
    case 'equals':
      return values.length === 1 ? { '==': [attr, values[0] as JsonValue] } : { in: [attr, values] };
    case 'not_in':
    case 'not_equals':
      return not(values.length === 1 ? { '==': [attr, values[0] as JsonValue] } : { in: [attr, values] });
    case 'starts_with':
    case 'ends_with':
      return anyOf((v) => ({ [c.op]: [attr, v] }));
    case 'contains':
      return anyOf((v) => ({ in: [v, attr] }));
    case 'not_contains':
      return not(anyOf((v) => ({ in: [v, attr] })));
    case 'lt':
      return { and: [present, anyOf((v) => ({ '<': [attr, v] }))] };
    case 'lte':
      return { and: [present, anyOf((v) => ({ '<=': [attr, v] }))] };
    case 'gt':
      return { and: [present, anyOf((v) => ({ '>': [attr, v] }))] };
    case 'gte':
      return { and: [present, anyOf((v) => ({ '>=': [attr, v] }))] };
    case 'semver_eq':
      return anyOf((v) => ({ sem_ver: [attr, '=', v] }));
    case 'semver_lt':
      return anyOf((v) => ({ sem_ver: [attr, '<', v] }));
    case 'semver_lte':
      return anyOf((v) => ({ sem_ver: [attr, '<=', v] }));
    case 'semver_gt':
      return anyOf((v) => ({ sem_ver: [attr, '>', v] }));
    case 'semver_gte':
      return anyOf((v) => ({ sem_ver: [attr, '>=', v] }));
    default:
      problem(`'${c.op}' has no flagd equivalent; exported as a condition that never holds`);
      return false;
  }
}
