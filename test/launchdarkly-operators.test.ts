/**
 * Every condition operator, exported and evaluated by the real LaunchDarkly SDK, against the local
 * evaluator, over awkward attribute values (other types, arrays, missing). Where the two must differ,
 * the difference is listed here and in the package README; everything else must agree.
 */
import { describe, expect, it } from 'vitest';
import { evaluate, parseFlags } from '@aiflags/core';
import type { EvaluationContext } from '@aiflags/core';
import { init } from '@launchdarkly/node-server-sdk';
import type { LDLogger } from '@launchdarkly/node-server-sdk';
import { TestData } from '@launchdarkly/node-server-sdk/integrations';
import { exportToLaunchDarkly, LaunchDarklyProvider } from '@aiflags/launchdarkly';

const quiet: LDLogger = { error() {}, warn() {}, info() {}, debug() {} };
const MISSING = Symbol('missing');

const equality = ['pro', 'Pro', 5, '5', 6, true, 'true', false, ['x', 'pro'], [], null, MISSING];
const strings = ['abc', 'cab', 'xabx', 'AB', 5, ['zz', 'abz'], ['zz'], '', MISSING];
const numbers = [5, 10, 15, -1, 10.5, 'x', true, [1, 20], [20], '5', '15', MISSING];
const versions = ['2.1.0', '2.1', '2', '2.0.9', '2.1.1', '2.1.0-beta', '2.1.0+build', '10.0.0', 'v2.1.0', 'x', 2, MISSING];
const dates = [
  '2025-06-01T00:00:00Z',
  '2027-01-01T00:00:00Z',
  '2026-01-01T00:00:00Z',
  1_700_000_000_000,
  1_900_000_000_000,
  new Date(Date.UTC(2030, 0, 1)),
  '2026-06-01T00:00:00+05:30',
  '2025-12-31T23:59:59.999-07:00',
  '2027-01-01t00:00:00z',
  'March 7, 2027',
  '00:00:00.000-07.00',
  '2027-01-01T00:00:00',
  '2027-01-01T00:00:00Zjunk',
  'garbage',
  MISSING,
];
const patterns = ['gpt-4o', 'gpt-4', 'claude', 'xgpt-4o', 5, ['claude', 'gpt-5'], MISSING];

/**
 * Numeric operators: we accept a number held in a string (`"15"` from a header or CLI); LaunchDarkly needs
 * a JSON number. Listed per operator: the attribute values whose answers differ.
 */
const KNOWN_DIFFERENCES: Record<string, unknown[]> = {
  lt: ['5'],
  lte: ['5'],
  gt: ['15'],
  gte: ['15'],
  // As flagd's sem_ver, we read a leading 'v' and a number as versions; LaunchDarkly reads neither.
  semver_eq: ['v2.1.0'],
  semver_lt: [2],
  semver_lte: ['v2.1.0', 2],
  semver_gte: ['v2.1.0'],
  // RFC 3339 allows a lowercase 't' and 'z'; LaunchDarkly's date pattern wants uppercase.
  after: ['2027-01-01t00:00:00z'],
};

const CASES: [op: string, values: unknown[], attributes: unknown[]][] = [
  ['in', ['pro', 5, true], equality],
  ['not_in', ['pro', 5, true], equality],
  ['equals', ['pro'], equality],
  ['not_equals', ['5'], equality],
  ['starts_with', ['ab'], strings],
  ['ends_with', ['ab'], strings],
  ['contains', ['ab'], strings],
  ['not_contains', ['ab'], strings],
  ['lt', [10], numbers],
  ['lte', [10], numbers],
  ['gt', [10], numbers],
  ['gte', [10], numbers],
  ['semver_eq', ['2.1.0'], versions],
  // A 'v' in the rule value: the exporter writes the version LaunchDarkly reads.
  ['semver_eq', ['v2.1.0'], versions],
  ['semver_lt', ['2.1.0'], versions],
  ['semver_lte', ['2.1.0'], versions],
  ['semver_gt', ['2.1.0'], versions],
  ['semver_gte', ['2.1.0'], versions],
  ['before', ['2026-01-01T00:00:00Z'], dates],
  ['after', ['2026-01-01T00:00:00Z'], dates],
  ['matches', ['^gpt-[0-9]+o?$'], patterns],
];

describe.each(CASES)('operator %s %j', (op, values, attributes) => {
  it('the real SDK and the local evaluator agree for every attribute value', async () => {
    const text = JSON.stringify({
      flags: {
        f: {
          variants: { yes: 'yes', no: 'no' },
          defaultVariant: 'no',
          rules: [{ conditions: [{ attribute: 'a', op, values }], variant: 'yes' }],
        },
      },
    });
    const set = parseFlags(text, 'operators.json');
    const { data, problems } = exportToLaunchDarkly(set);
    expect(problems).toEqual([]);
    const td = new TestData();
    await td.usePreconfiguredFlag(data.flags['f'] as unknown as Record<string, unknown>);
    const client = init('sdk-key', { updateProcessor: td.getFactory(), sendEvents: false, diagnosticOptOut: true, logger: quiet });
    try {
      const provider = new LaunchDarklyProvider(client, { catalog: data.catalog });
      await provider.initialize();
      const rows = [];
      for (const a of attributes) {
        const ctx: EvaluationContext = a === MISSING ? { targetingKey: 'u' } : { targetingKey: 'u', a };
        const local = evaluate(set, 'f', ctx).variant;
        const ld = (await provider.resolveStringEvaluation('f', '?', ctx as never)).variant;
        rows.push({ a: a === MISSING ? '(missing)' : a, local, ld });
      }
      const known = KNOWN_DIFFERENCES[op] ?? [];
      expect(rows.filter((r) => r.local !== r.ld && !known.includes(r.a))).toEqual([]);
      // The known differences are real (so the README stays true): each listed value does differ.
      for (const a of known)
        expect(
          rows.find((r) => r.a === a && r.local !== r.ld),
          `${op} ${String(a)}`,
        ).toBeDefined();
      // Not vacuous: each operator matches some value and misses another.
      expect(new Set(rows.map((r) => r.local))).toEqual(new Set(['yes', 'no']));
    } finally {
      client.close();
    }
  });
});
