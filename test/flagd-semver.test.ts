/**
 * Semantic versions against flagd's own evaluator: each semver operator, as a flagd `sem_ver` rule in
 * `@openfeature/flagd-core` and as an aiflags condition, over the same attribute values. Where aiflags
 * reads more than flagd (LaunchDarkly's partial versions with a pre-release), the difference is listed.
 */
import { describe, expect, it } from 'vitest';
import { evaluate, parseFlags } from '@aiflags/core';
import { FlagdCore } from '@openfeature/flagd-core';

const versions = [
  '2.1.0',
  'v2.1.0',
  'V2.1.0',
  '2.1',
  'v2.1',
  '2',
  2,
  2.1,
  3,
  '2.0.9',
  '2.1.1',
  '2.1.0-beta',
  '2.1.0+build',
  '10.0.0',
  'vv2.1.0',
  'x',
  '2.1-beta',
];

/**
 * aiflags reads `2.1-beta` as 2.1.0-beta (as LaunchDarkly does); flagd coerces only `1` and `1.2`.
 * flagd-core drops one `v` and hands the rest to `semver.parse`, which takes another: `vv2.1.0` is a
 * version there, but not in flagd's Go evaluator (golang.org/x/mod/semver), nor in aiflags.
 */
const KNOWN_DIFFERENCES: unknown[] = ['2.1-beta', 'vv2.1.0'];

const CASES = [
  ['semver_eq', '='],
  ['semver_lt', '<'],
  ['semver_lte', '<='],
  ['semver_gt', '>'],
  ['semver_gte', '>='],
] as const;

describe.each(CASES)('%s (flagd %s)', (op, flagdOp) => {
  it.each(['2.1.0', 'v2.1', 2.1])('rule value %j: flagd-core and aiflags agree on every attribute value', (value) => {
    const set = parseFlags(
      JSON.stringify({
        flags: {
          f: { variants: { yes: 'yes', no: 'no' }, defaultVariant: 'no', rules: [{ conditions: [{ attribute: 'a', op, values: [value] }], variant: 'yes' }] },
        },
      }),
      'semver.json',
    );
    const flagd = new FlagdCore();
    flagd.setConfigurations(
      JSON.stringify({
        flags: {
          f: {
            state: 'ENABLED',
            variants: { yes: 'yes', no: 'no' },
            defaultVariant: 'no',
            targeting: { if: [{ sem_ver: [{ var: 'a' }, flagdOp, value] }, 'yes', 'no'] },
          },
        },
      }),
    );
    const rows = versions.map((a) => ({
      a,
      local: evaluate(set, 'f', { a }).variant,
      flagd: flagd.resolveStringEvaluation('f', '?', { a }).variant,
    }));
    expect(rows.filter((r) => r.local !== r.flagd && !KNOWN_DIFFERENCES.includes(r.a))).toEqual([]);
    expect(new Set(rows.map((r) => r.local))).toEqual(new Set(['yes', 'no']));
  });
});

it('the listed difference is real', () => {
  const flagd = new FlagdCore();
  flagd.setConfigurations(
    JSON.stringify({
      flags: {
        f: {
          state: 'ENABLED',
          variants: { yes: 'yes', no: 'no' },
          defaultVariant: 'no',
          targeting: { if: [{ sem_ver: [{ var: 'a' }, '<', '2.1.0'] }, 'yes', 'no'] },
        },
      },
    }),
  );
  const set = parseFlags(
    JSON.stringify({
      flags: {
        f: {
          variants: { yes: 'yes', no: 'no' },
          defaultVariant: 'no',
          rules: [{ conditions: [{ attribute: 'a', op: 'semver_lt', values: ['2.1.0'] }], variant: 'yes' }],
        },
      },
    }),
    'semver.json',
  );
  expect(evaluate(set, 'f', { a: '2.1-beta' }).variant).toBe('yes');
  expect(flagd.resolveStringEvaluation('f', '?', { a: '2.1-beta' }).variant).not.toBe('yes');
});
