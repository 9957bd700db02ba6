import { describe, expect, it } from 'vitest';
import { OPERATORS, parseVersion, type EvaluationContext, type Operator } from '../src/index.js';
import { compileCondition } from '../src/rules/condition.js';
import { findNestedQuantifier } from '../src/rules/regex-safety.js';
import type { ConditionInput } from '../src/flags/schema.js';

const fail = (field: (string | number)[], message: string): never => {
  throw new Error(`${field.join('.')}: ${message}`);
};
const matches = (op: Operator, values: (string | number | boolean)[], attr: unknown, attribute = 'a'): boolean =>
  compileCondition({ attribute, op, values } as ConditionInput, fail)({ [attribute]: attr } as EvaluationContext);

// [op, values, attribute value, expected]
const cases: [Operator, (string | number | boolean)[], unknown, boolean][] = [
  ['in', ['pro', 'enterprise'], 'pro', true],
  ['in', ['pro', 'enterprise'], 'free', false],
  ['in', [1, 2], 2, true],
  ['in', ['2'], 2, true],
  ['in', [true], true, true],
  ['in', ['pro'], ['free', 'pro'], true],
  ['in', ['pro'], { plan: 'pro' }, false],
  ['not_in', ['FR'], 'DE', true],
  ['not_in', ['FR'], 'FR', false],
  ['not_in', ['FR'], ['DE', 'FR'], false],
  ['equals', ['gpt-4o'], 'gpt-4o', true],
  ['equals', ['gpt-4o'], 'gpt-4o-mini', false],
  ['not_equals', ['gpt-4o'], 'gpt-4o-mini', true],
  ['not_equals', ['gpt-4o'], 'gpt-4o', false],
  ['starts_with', ['admin-', 'ops-'], 'ops-7', true],
  ['starts_with', ['admin-'], 'user-admin-', false],
  ['starts_with', ['1'], 123, false],
  ['ends_with', ['@acme.com'], 'a@acme.com', true],
  ['ends_with', ['@acme.com'], 'a@acme.com.evil', false],
  ['contains', ['beta'], 'x-beta-y', true],
  ['contains', ['beta'], 'x-alpha-y', false],
  ['not_contains', ['beta'], 'x-alpha-y', true],
  ['not_contains', ['beta'], 'x-beta-y', false],
  ['lt', [18], 17, true],
  ['lt', [18], 18, false],
  ['lt', [18], '17', true],
  ['lt', [18], 'seventeen', false],
  ['lte', [18], 18, true],
  ['lte', [18], 18.5, false],
  ['gt', [0.5], 0.7, true],
  ['gt', [0.5], 0.5, false],
  ['gt', [10], '', false],
  ['gte', [100], 100, true],
  ['gte', [100], 99, false],
  ['gte', [1, 100], 50, true],
  ['semver_eq', ['1.2.3'], '1.2.3', true],
  ['semver_eq', ['1.2'], '1.2.0', true],
  ['semver_eq', ['1.2.3'], '1.2.4', false],
  ['semver_lt', ['2.0.0'], '1.9.9', true],
  ['semver_lt', ['2.0.0'], '2.0.0-beta.1', true],
  ['semver_lt', ['2.0.0'], '2.0.0', false],
  ['semver_lte', ['2.0.0'], '2.0.0', true],
  ['semver_lte', ['2.0.0'], '2.0.1', false],
  ['semver_gt', ['1.10.0'], '1.9.0', false],
  ['semver_gt', ['1.9.0'], '1.10.0', true],
  ['semver_gte', ['3'], '3.0.0', true],
  ['semver_gte', ['3.0.0'], 'not-a-version', false],
  ['semver_gte', ['3.0.0'], 3, true],
  ['semver_gte', ['3.0.1'], 3, false],
  ['semver_eq', ['v1.2.3'], '1.2.3', true],
  ['semver_eq', ['1.2.3'], 'V1.2.3', true],
  ['semver_lt', [2], 1.9, true],
  ['semver_lt', [2], 'v1.10', true],
  ['semver_gt', ['1.2'], 'vv1.3.0', false],
  ['before', ['2026-01-01T00:00:00Z'], '2025-12-31T23:59:59Z', true],
  ['before', ['2026-01-01T00:00:00Z'], '2026-01-01T00:00:01Z', false],
  ['before', [Date.UTC(2026, 0, 1)], Date.UTC(2025, 5, 1), true],
  ['before', ['2026-01-01'], new Date(Date.UTC(2025, 0, 1)), true],
  ['before', ['2026-01-01'], 'garbage', false],
  ['after', ['2026-01-01T00:00:00Z'], '2026-06-01', true],
  ['after', ['2026-01-01T00:00:00Z'], Date.UTC(2025, 0, 1), false],
  ['matches', ['^user-[0-9]+$'], 'user-42', true],
  ['matches', ['^user-[0-9]+$'], 'user-x', false],
  ['matches', ['acme'], 'mail.acme.com', true],
  ['matches', ['^a'], 7, false],
];

describe('operators', () => {
  it('covers every operator', () => {
    expect(new Set(cases.map(([op]) => op))).toEqual(new Set(OPERATORS));
  });

  it.each(cases)('%s %j on %j -> %s', (op, values, attr, expected) => {
    expect(matches(op, values, attr)).toBe(expected);
  });

  it.each(OPERATORS.map((op) => [op]))('%s: a missing attribute never matches (negated ops included)', (op) => {
    const values = op.startsWith('semver')
      ? ['1.0.0']
      : ['lt', 'lte', 'gt', 'gte'].includes(op)
        ? [1]
        : op === 'before' || op === 'after'
          ? ['2026-01-01']
          : ['x'];
    const predicate = compileCondition({ attribute: 'a', op, values }, fail);
    expect(predicate({})).toBe(false);
    expect(predicate({ a: null })).toBe(false);
    expect(predicate({ b: 'x' })).toBe(false);
  });
});

describe('attributes', () => {
  it('reads nested attributes by dot path', () => {
    const p = compileCondition({ attribute: 'account.plan', op: 'in', values: ['pro'] }, fail);
    expect(p({ account: { plan: 'pro' } })).toBe(true);
    expect(p({ account: { plan: 'free' } })).toBe(false);
    expect(p({ account: 'pro' })).toBe(false);
    expect(p({ 'account.plan': 'pro' })).toBe(false);
  });

  it('never reads inherited members', () => {
    const p = compileCondition({ attribute: 'toString', op: 'not_in', values: ['x'] }, fail);
    expect(p({})).toBe(false);
  });

  it.each(['__proto__', 'a.constructor', 'prototype.x', 'a..b'])('rejects attribute path %s', (attribute) => {
    expect(() => compileCondition({ attribute, op: 'in', values: ['x'] }, fail)).toThrow(/^attribute: /);
  });
});

describe('compile-time value checks', () => {
  it.each([
    ['lt', ['x'], 'values.0: expected a number'],
    ['starts_with', [1], 'values.0: expected a string'],
    ['semver_eq', ['1.2.x'], 'values.0: expected a semantic version'],
    ['after', [true], 'values.0: expected an RFC 3339 date-time'],
    ['before', ['March 7, 2020'], 'values.0: expected an RFC 3339 date-time'],
    ['after', ['2026-01-01T00:00:00'], 'values.0: expected an RFC 3339 date-time'],
    ['matches', ['('], 'values.0: invalid regular expression'],
    ['matches', ['(a*)*b'], 'values.0: pattern'],
    ['matches', ['x'.repeat(1001)], 'longer than 1000'],
  ] as const)('%s %j', (op, values, message) => {
    expect(() => compileCondition({ attribute: 'a', op, values: [...values] }, fail)).toThrow(message);
  });
});

describe('regex safety', () => {
  it.each([
    ['(a+)+', '(a+)+'],
    ['^(a*)*$', '(a*)*'],
    ['(x+x+)+y', '(x+x+)+'],
    ['((ab)+c)*', '((ab)+c)*'],
    ['(a{2,})+', '(a{2,})+'],
    ['(\\w+\\s?)*$', '(\\w+\\s?)*'],
    ['(a+){2,5}', '(a+){2,5}'],
  ])('flags %s', (pattern, fragment) => {
    expect(findNestedQuantifier(pattern)).toBe(fragment);
  });

  it.each(['^[a-z]+@acme\\.com$', '(ab)+', '(a+)?', '(a|b)*c', '[(a+)+]', '\\(a+\\)+', 'a{2}(b+)', '(?:a+)b+'])('accepts %s', (pattern) => {
    expect(findNestedQuantifier(pattern)).toBeUndefined();
  });

  it('evaluates in linear time on a 1 MB adversarial input', () => {
    const p = compileCondition({ attribute: 'a', op: 'matches', values: ['^(a|aa)*c$'] }, fail);
    expect(p({ a: 'a'.repeat(1024 * 1024) })).toBe(false);
  });
});

describe('parseVersion', () => {
  it.each([
    ['1.2.3', '1.2.3'],
    ['1.2', '1.2.0'],
    ['1', '1.0.0'],
    ['2.0-beta.1', '2.0.0-beta.1'],
    ['1.2.3+build.5', '1.2.3'],
    ['v1.2.3', '1.2.3'],
    ['V1.2.3', '1.2.3'],
    ['v1.2', '1.2.0'],
    ['V2', '2.0.0'],
    ['v1.2.3-rc.1', '1.2.3-rc.1'],
    [1, '1.0.0'],
    [1.2, '1.2.0'],
    [0, '0.0.0'],
    [10.25, '10.25.0'],
  ] as const)('%j -> %s', (input, expected) => {
    expect(parseVersion(input)?.version).toBe(expected);
  });
  it.each(['', 'v', 'V', 'vv1.2.3', 'Vv1.2.3', 'x1.2.3', '1.x', 'abc', '1.2.3.4', -1, 1e21, Number.NaN, Number.POSITIVE_INFINITY, true, null])(
    'rejects %j',
    (input) => {
      expect(parseVersion(input)).toBeNull();
    },
  );
});
