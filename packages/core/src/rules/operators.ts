/**
 * Condition operators. Each one compiles its `values` once (sets, numbers, parsed versions, dates,
 * regexes) into a predicate over one attribute value; nothing is parsed per evaluation except the
 * attribute itself. To add an operator: add its name to OPERATORS in flags/schema.ts and an entry here.
 */
import { RE2JS } from 're2js';
import semver from 'semver';
import type { Operator } from '../flags/schema.js';
import { findNestedQuantifier } from './regex-safety.js';
import { parseStrictDate } from './strict-date.js';

export type ConditionValue = string | number | boolean;
/** Tests one (non-missing, non-array) attribute value. */
export type ValuePredicate = (value: unknown) => boolean;
/** Reports a bad `values` entry at parse time: never returns. */
export type ValueProblem = (index: number, message: string) => never;

/** How a condition reads attribute values beyond its operator (see ConditionDialect and the condition's fields). */
export interface OperatorOptions {
  /** Numeric operators refuse numeric strings (`"99"`), as LaunchDarkly's do. */
  readonly strictNumbers?: boolean;
  /** String operators and `matches` ignore letter case. */
  readonly caseInsensitive?: boolean;
}

export interface OperatorDefinition {
  /** Builds the predicate for a scalar attribute value; a match against any of `values` counts. */
  compile(values: readonly ConditionValue[], problem: ValueProblem, options: OperatorOptions): ValuePredicate;
  /** `not_*` operators: the condition holds when the positive predicate matches no value. */
  negated?: boolean;
  /** Accepts `caseInsensitive`. */
  caseFolds?: boolean;
}

/** Longest regex accepted in a `matches` condition, in characters. */
export const MAX_PATTERN_LENGTH = 1000;

const membership = (values: readonly ConditionValue[]): ValuePredicate => {
  if (values.length === 1) {
    // One value (equals, not_equals, flagd's ==): a comparison, no set lookup.
    const only = String(values[0]);
    return (v) => (typeof v === 'string' ? v === only : (typeof v === 'number' || typeof v === 'boolean') && String(v) === only);
  }
  const set = new Set(values.map(String));
  return (v) => (typeof v === 'string' ? set.has(v) : (typeof v === 'number' || typeof v === 'boolean') && set.has(String(v)));
};

const strings = (values: readonly ConditionValue[], problem: ValueProblem): string[] =>
  values.map((v, i) => (typeof v === 'string' ? v : problem(i, `expected a string, got ${String(v)}`)));

const stringTest =
  (test: (attr: string, value: string) => boolean) =>
  (values: readonly ConditionValue[], problem: ValueProblem, options: OperatorOptions): ValuePredicate => {
    if (options.caseInsensitive === true) {
      const folded = strings(values, problem).map((x) => x.toLowerCase());
      return (v) => typeof v === 'string' && folded.some((x) => test(v.toLowerCase(), x));
    }
    const list = strings(values, problem);
    const first = list[0] as string;
    // flagd's fractional guards a key with `starts_with ""`: any string starts (and ends) with the empty string.
    if (list.length === 1 && first === '' && test('', '')) return (v) => typeof v === 'string';
    if (list.length === 1) return (v) => typeof v === 'string' && test(v, first);
    return (v) => typeof v === 'string' && list.some((x) => test(v, x));
  };

/** A number, or a string holding one (`"30"` from a CLI or header), else NaN. */
export function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '') return Number(v);
  return NaN;
}

const numeric =
  (test: (attr: number, value: number) => boolean) =>
  (values: readonly ConditionValue[], problem: ValueProblem, options: OperatorOptions): ValuePredicate => {
    const list = values.map((v, i) => (typeof v === 'number' && Number.isFinite(v) ? v : problem(i, `expected a number, got ${JSON.stringify(v)}`)));
    const read = options.strictNumbers === true ? (v: unknown) => (typeof v === 'number' ? v : NaN) : toNumber;
    if (list.length === 1) {
      const only = list[0] as number;
      return (v) => {
        const n = read(v);
        return Number.isFinite(n) && test(n, only);
      };
    }
    return (v) => {
      const n = read(v);
      return Number.isFinite(n) && list.some((x) => test(n, x));
    };
  };

/**
 * Parses a version as flagd's sem_ver does: one leading `v` or `V` is dropped, a number is read as its
 * decimal text, and `2` and `2.1` read as `2.0.0` and `2.1.0` (a pre-release may follow: `2.1-beta`).
 */
export function parseVersion(input: unknown): semver.SemVer | null {
  const text = typeof input === 'number' && Number.isFinite(input) ? String(input) : input;
  if (typeof text !== 'string' || text.length > 256) return null;
  const v = text.startsWith('v') || text.startsWith('V') ? text.slice(1) : text;
  // semver.parse itself takes one lowercase `v`: without this check `vv1.2.3` would be a version.
  if (v.startsWith('v') || v.startsWith('V')) return null;
  const direct = semver.parse(v);
  if (direct) return direct;
  const m = /^(\d+)(\.\d+)?(?=$|[-+])/.exec(v);
  if (!m) return null;
  const padded = m[0] + (m[2] === undefined ? '.0.0' : '.0') + v.slice(m[0].length);
  return semver.parse(padded);
}

/**
 * Context versions parsed lately: apps send few distinct versions (`appVersion: 4.2.1` for most users), and
 * parsing one is most of a semver comparison's cost. Bounded: cleared when full, so hostile input cannot grow it.
 */
const PARSED_VERSIONS = new Map<string, semver.SemVer | null>();
const MAX_PARSED_VERSIONS = 1024;

function contextVersion(v: unknown): semver.SemVer | null {
  if (typeof v !== 'string') return parseVersion(v);
  let parsed = PARSED_VERSIONS.get(v);
  if (parsed === undefined) {
    parsed = parseVersion(v);
    if (PARSED_VERSIONS.size >= MAX_PARSED_VERSIONS) PARSED_VERSIONS.clear();
    PARSED_VERSIONS.set(v, parsed);
  }
  return parsed;
}

const versioned =
  (test: (order: number) => boolean) =>
  (values: readonly ConditionValue[], problem: ValueProblem): ValuePredicate => {
    const list = values.map((v, i) => parseVersion(v) ?? problem(i, `expected a semantic version like 1.2.3, got ${JSON.stringify(v)}`));
    if (list.length === 1) {
      const only = list[0] as semver.SemVer;
      return (v) => {
        const version = contextVersion(v);
        return version !== null && test(version.compare(only));
      };
    }
    return (v) => {
      const version = contextVersion(v);
      return version !== null && list.some((x) => test(version.compare(x)));
    };
  };

/** Epoch ms of a strict RFC 3339 date-time or calendar date (see parseStrictDate), a finite epoch ms number or a Date; NaN otherwise. */
export function toEpochMs(v: unknown): number {
  if (typeof v === 'number') return Number.isFinite(v) ? v : NaN;
  if (typeof v === 'string') return parseStrictDate(v);
  if (v instanceof Date) return v.getTime();
  return NaN;
}

const dated =
  (test: (attr: number, value: number) => boolean) =>
  (values: readonly ConditionValue[], problem: ValueProblem): ValuePredicate => {
    const list = values.map((v, i) => {
      const ms = typeof v === 'boolean' ? NaN : toEpochMs(v);
      return Number.isFinite(ms)
        ? ms
        : problem(i, `expected an RFC 3339 date-time with an offset (2026-01-01T00:00:00Z), a date (2026-01-01) or epoch ms, got ${JSON.stringify(v)}`);
    });
    return (v) => {
      const ms = toEpochMs(v);
      return Number.isFinite(ms) && list.some((x) => test(ms, x));
    };
  };

/** Compiles a `matches` pattern with re2js, rejecting what it cannot compile and nested quantifiers. */
export function compilePattern(pattern: string, problem: (message: string) => never, caseInsensitive = false): RE2JS {
  if (pattern.length > MAX_PATTERN_LENGTH) problem(`pattern is longer than ${MAX_PATTERN_LENGTH} characters`);
  const nested = findNestedQuantifier(pattern);
  if (nested !== undefined) {
    problem(
      `pattern ${JSON.stringify(pattern)} nests quantifiers (${nested}) and would backtrack catastrophically; rewrite it without a repeated group that itself repeats`,
    );
  }
  try {
    return caseInsensitive ? RE2JS.compile(pattern, RE2JS.CASE_INSENSITIVE) : RE2JS.compile(pattern);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return problem(`invalid regular expression ${JSON.stringify(pattern)}: ${why}`);
  }
}

const regex = (values: readonly ConditionValue[], problem: ValueProblem, options: OperatorOptions): ValuePredicate => {
  const list = strings(values, problem).map((p, i) => compilePattern(p, (m) => problem(i, m), options.caseInsensitive === true));
  return (v) => typeof v === 'string' && list.some((re) => re.test(v));
};

/** The operator table. Keys are exactly OPERATORS in flags/schema.ts. */
export const OPERATOR_DEFINITIONS: Readonly<Record<Operator, OperatorDefinition>> = {
  in: { compile: membership },
  not_in: { compile: membership, negated: true },
  equals: { compile: membership },
  not_equals: { compile: membership, negated: true },
  starts_with: { compile: stringTest((a, v) => a.startsWith(v)), caseFolds: true },
  ends_with: { compile: stringTest((a, v) => a.endsWith(v)), caseFolds: true },
  contains: { compile: stringTest((a, v) => a.includes(v)), caseFolds: true },
  not_contains: { compile: stringTest((a, v) => a.includes(v)), negated: true, caseFolds: true },
  lt: { compile: numeric((a, v) => a < v) },
  lte: { compile: numeric((a, v) => a <= v) },
  gt: { compile: numeric((a, v) => a > v) },
  gte: { compile: numeric((a, v) => a >= v) },
  semver_eq: { compile: versioned((o) => o === 0) },
  semver_lt: { compile: versioned((o) => o < 0) },
  semver_lte: { compile: versioned((o) => o <= 0) },
  semver_gt: { compile: versioned((o) => o > 0) },
  semver_gte: { compile: versioned((o) => o >= 0) },
  before: { compile: dated((a, v) => a < v) },
  after: { compile: dated((a, v) => a > v) },
  matches: { compile: regex, caseFolds: true },
};
