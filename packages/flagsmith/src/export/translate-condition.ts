import { parseVersion, type ConditionDefinition, type ExportProblem } from '@aiflags/core';
import type { FlagsmithCondition, FlagsmithOperator, FlagsmithSegmentRule } from './flagsmith-data.js';

type Operator = ConditionDefinition['op'];
type Where = Omit<ExportProblem, 'message'>;

/** How one of our operators is written in Flagsmith: one condition per value, OR'ed (ANY) or all refused (NONE). */
interface OpMapping {
  operator: FlagsmithOperator;
  rule: 'ANY' | 'NONE';
  /** The condition value for one of ours. */
  value?: (value: string | number | boolean) => string;
  /** Numeric comparison: Flagsmith compares a text trait as text, so only number-looking traits may match. */
  numeric?: boolean;
}

/** What our numeric operators read as a number (Flagsmith still compares numeric text as text). */
const NUMBER_TEXT = '^-?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?$';

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const semverValue = (v: string | number | boolean) => `${parseVersion(v)?.version ?? String(v)}:semver`;

/**
 * Our operators → Flagsmith condition operators. `in`/`equals` become one IN condition (Flagsmith compares
 * the trait's text, as we do); the `not_*` operators are a NONE rule over the positive conditions, for a
 * trait that is set (ours never match a missing attribute); numeric comparisons also ask for a number-looking
 * trait;
 * `starts_with`/`ends_with` are anchored REGEX conditions; versions carry Flagsmith's `:semver` suffix.
 * `before`/`after` have no counterpart.
 */
export const OPERATOR_MAP: Readonly<Partial<Record<Operator, OpMapping>>> = {
  in: { operator: 'IN', rule: 'ANY' },
  equals: { operator: 'IN', rule: 'ANY' },
  not_in: { operator: 'IN', rule: 'NONE' },
  not_equals: { operator: 'IN', rule: 'NONE' },
  contains: { operator: 'CONTAINS', rule: 'ANY' },
  not_contains: { operator: 'CONTAINS', rule: 'NONE' },
  starts_with: { operator: 'REGEX', rule: 'ANY', value: (v) => `^${escapeRegex(String(v))}` },
  ends_with: { operator: 'REGEX', rule: 'ANY', value: (v) => `${escapeRegex(String(v))}$` },
  matches: { operator: 'REGEX', rule: 'ANY' },
  lt: { operator: 'LESS_THAN', rule: 'ANY', numeric: true },
  lte: { operator: 'LESS_THAN_INCLUSIVE', rule: 'ANY', numeric: true },
  gt: { operator: 'GREATER_THAN', rule: 'ANY', numeric: true },
  gte: { operator: 'GREATER_THAN_INCLUSIVE', rule: 'ANY', numeric: true },
  semver_eq: { operator: 'EQUAL', rule: 'ANY', value: semverValue },
  semver_lt: { operator: 'LESS_THAN', rule: 'ANY', value: semverValue },
  semver_lte: { operator: 'LESS_THAN_INCLUSIVE', rule: 'ANY', value: semverValue },
  semver_gt: { operator: 'GREATER_THAN', rule: 'ANY', value: semverValue },
  semver_gte: { operator: 'GREATER_THAN_INCLUSIVE', rule: 'ANY', value: semverValue },
};

/** Our attribute → a Flagsmith property: `targetingKey` is the identity identifier, other names are traits. */
export function traitProperty(attribute: string): string | undefined {
  if (attribute === 'targetingKey') return '$.identity.identifier';
  return attribute.includes('.') ? undefined : attribute;
}

/** One condition → one Flagsmith rule (ANY or NONE over its values, with its guard), or undefined with a problem. */
export function translateCondition(condition: ConditionDefinition, where: Where, problems: ExportProblem[]): FlagsmithSegmentRule | undefined {
  const mapping = OPERATOR_MAP[condition.op];
  if (!mapping) {
    problems.push({ ...where, message: `operator '${condition.op}' has no Flagsmith counterpart (Flagsmith compares no dates)` });
    return undefined;
  }
  const property = traitProperty(condition.attribute);
  if (property === undefined) {
    problems.push({
      ...where,
      field: `${where.field}.attribute`,
      message: `'${condition.attribute}' is a nested attribute; Flagsmith traits are flat, send it as a trait of its own`,
    });
    return undefined;
  }
  const conditions: FlagsmithCondition[] =
    mapping.operator === 'IN'
      ? [{ operator: 'IN', property_: property, value: JSON.stringify(condition.values.map(String)) }, ...booleanEquals(condition.values, property)]
      : condition.values.map((v) => ({ operator: mapping.operator, property_: property, value: mapping.value ? mapping.value(v) : String(v) }));
  const rule: FlagsmithSegmentRule = { type: mapping.rule, conditions, rules: [] };
  if (mapping.rule === 'NONE') return { type: 'ALL', conditions: [{ operator: 'IS_SET', property_: property, value: '' }], rules: [rule] };
  if (mapping.numeric) return { type: 'ALL', conditions: [{ operator: 'REGEX', property_: property, value: NUMBER_TEXT }], rules: [rule] };
  return rule;
}

/** Flagsmith's IN never matches a boolean trait; we compare `true` as the text "true", so those values also get an EQUAL. */
function booleanEquals(values: readonly (string | number | boolean)[], property: string): FlagsmithCondition[] {
  const texts = [...new Set(values.map(String))].filter((v) => v === 'true' || v === 'false');
  return texts.map((value) => ({ operator: 'EQUAL', property_: property, value }));
}
