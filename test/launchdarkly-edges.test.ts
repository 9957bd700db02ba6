/**
 * The launchdarkly mode at the edges a migration meets, each case answered by the real LaunchDarkly SDK
 * (TestData) on the exported flag and by the local evaluator on the aiflags file:
 * - a bucketBy attribute that is missing, or neither a string nor an integer, buckets to 0;
 * - numeric operators do not read numeric strings;
 * - attribute references do not index into arrays;
 * - inverted conditions (negated clauses).
 * The same flags in murmur3 mode answer as aiflags always has (errors, coercion, indexing).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluate, parseFlags } from '@aiflags/core';
import type { EvaluationContext, FlagSet } from '@aiflags/core';
import { init } from '@launchdarkly/node-server-sdk';
import type { LDClient, LDLogger } from '@launchdarkly/node-server-sdk';
import { TestData } from '@launchdarkly/node-server-sdk/integrations';
import { exportToLaunchDarkly, LaunchDarklyProvider } from '@aiflags/launchdarkly';

const quiet: LDLogger = { error() {}, warn() {}, info() {}, debug() {} };
const MISSING = Symbol('missing');
const CALLER_DEFAULT = 'caller-default';

const flagsIn = (hash: string) =>
  JSON.stringify({
    flags: {
      'split-by-account': {
        variants: { a: 'a', b: 'b', c: 'c' },
        defaultVariant: 'a',
        split: { a: 0, b: 60, c: 40 },
        bucketing: { hash, by: 'accountId' },
      },
      'rollout-by-account': {
        variants: { on: 'on', off: 'off' },
        defaultVariant: 'off',
        rollout: { variant: 'on', percentage: 30 },
        bucketing: { hash, by: 'account.id' },
      },
      'rule-rollout-by-account': {
        variants: { on: 'on', off: 'off' },
        defaultVariant: 'off',
        rules: [{ conditions: [{ attribute: 'plan', op: 'in', values: ['pro'] }], rollout: { variant: 'on', percentage: 1 } }],
        bucketing: { hash, by: 'accountId' },
      },
      'rollout-by-key': {
        variants: { on: 'on', off: 'off' },
        defaultVariant: 'off',
        rollout: { variant: 'on', percentage: 50 },
        bucketing: { hash },
      },
      'key-rule': {
        variants: { yes: 'yes', no: 'no' },
        defaultVariant: 'no',
        rules: [{ conditions: [{ attribute: 'targetingKey', op: 'in', values: ['k1'] }], variant: 'yes' }],
        bucketing: { hash },
      },
      'less-than': {
        variants: { yes: 'yes', no: 'no' },
        defaultVariant: 'no',
        rules: [{ conditions: [{ attribute: 'a', op: 'lt', values: [100] }], variant: 'yes' }],
        bucketing: { hash },
      },
      'first-item': {
        variants: { yes: 'yes', no: 'no' },
        defaultVariant: 'no',
        rules: [{ conditions: [{ attribute: 'items.0', op: 'in', values: ['x'] }], variant: 'yes' }],
        bucketing: { hash },
      },
      'inverted-in': {
        variants: { yes: 'yes', no: 'no' },
        defaultVariant: 'no',
        rules: [{ conditions: [{ attribute: 'a', op: 'in', values: ['free'], inverted: true }], variant: 'yes' }],
        bucketing: { hash },
      },
      'inverted-semver-lte': {
        variants: { yes: 'yes', no: 'no' },
        defaultVariant: 'no',
        rules: [{ conditions: [{ attribute: 'a', op: 'semver_lte', values: ['2.0.0'], inverted: true }], variant: 'yes' }],
        bucketing: { hash },
      },
    },
  });

const account = (id: unknown) => (id === MISSING ? {} : { accountId: id, account: { id } });
const CASES: [flag: string, contexts: Record<string, unknown>[]][] = [
  ['split-by-account', [MISSING, 1.5, true, '', 12345, 1e20, -7, 'acct-1', [1], { x: 1 }, null].map((id) => ({ targetingKey: 'u1', ...account(id) }))],
  ['rollout-by-account', [MISSING, 2.5, false, 'acct-1', 'acct-2', 42, [], null].map((id) => ({ targetingKey: 'u1', ...account(id) }))],
  ['rule-rollout-by-account', [MISSING, 0.5, 'acct-1', 'acct-2', 'acct-3'].map((id) => ({ targetingKey: 'u1', plan: 'pro', ...account(id) }))],
  // LaunchDarkly needs a context key: without one (or with '') it answers an error, and so do we.
  ['rollout-by-key', [{}, { targetingKey: '' }, { key: 'k1' }, ...['u1', 'u2', 'u3', 'u4', 'u5', 'u6'].map((targetingKey) => ({ targetingKey }))]],
  ['less-than', ['99', 99, '101', 101, ' 5', MISSING].map((a) => ({ targetingKey: 'u1', ...(a === MISSING ? {} : { a }) }))],
  ['first-item', [['x'], ['y', 'x'], { 0: 'x' }, { 0: 'y' }, 'x', MISSING].map((items) => ({ targetingKey: 'u1', ...(items === MISSING ? {} : { items }) }))],
  ['inverted-in', ['free', 'pro', ['free', 'pro'], ['pro'], 5, MISSING].map((a) => ({ targetingKey: 'u1', ...(a === MISSING ? {} : { a }) }))],
  ['inverted-semver-lte', ['1.0.0', '2.0.0', '2.0.1', '3.0.0', 'x', MISSING].map((a) => ({ targetingKey: 'u1', ...(a === MISSING ? {} : { a }) }))],
];

/** The local answer as an OpenFeature caller sees it: the caller's default on an error. */
function localValue(set: FlagSet, key: string, ctx: EvaluationContext): unknown {
  const result = evaluate(set, key, ctx);
  return result.errorCode === undefined ? result.value : CALLER_DEFAULT;
}

describe('launchdarkly mode against the real LaunchDarkly SDK', () => {
  const set = parseFlags(flagsIn('launchdarkly'), 'edges.json');
  let client: LDClient;
  let provider: LaunchDarklyProvider;

  beforeAll(async () => {
    const { data, problems } = exportToLaunchDarkly(set);
    expect(problems).toEqual([]);
    const td = new TestData();
    for (const flag of Object.values(data.flags)) await td.usePreconfiguredFlag(flag as unknown as Record<string, unknown>);
    client = init('sdk-key', { updateProcessor: td.getFactory(), sendEvents: false, diagnosticOptOut: true, logger: quiet });
    provider = new LaunchDarklyProvider(client, { catalog: data.catalog });
    await provider.initialize();
  });
  afterAll(() => client?.close());

  it.each(CASES)('%s: every context gets the SDK answer', async (flag, contexts) => {
    const rows = [];
    for (const ctx of contexts) {
      const ld = (await provider.resolveStringEvaluation(flag, CALLER_DEFAULT, ctx as never)).value;
      rows.push({ ctx, local: localValue(set, flag, ctx as EvaluationContext), ld });
    }
    expect(rows.filter((r) => r.local !== r.ld)).toEqual([]);
    // Not vacuous: each flag answers differently for some contexts.
    expect(new Set(rows.map((r) => r.ld)).size).toBeGreaterThan(1);
  });

  // The README lists these; each must still differ, or the README is wrong.
  it('remaining differences: no key at all, and a condition on targetingKey given only `key`', async () => {
    expect(localValue(set, 'less-than', { a: 5 })).toBe('yes');
    expect((await provider.resolveStringEvaluation('less-than', CALLER_DEFAULT, { a: 5 } as never)).errorCode).toBe('TARGETING_KEY_MISSING');
    expect(localValue(set, 'key-rule', { key: 'k1' })).toBe('no');
    expect((await provider.resolveStringEvaluation('key-rule', CALLER_DEFAULT, { key: 'k1' } as never)).value).toBe('yes');
  });

  it('a missing, fractional, boolean or array bucketBy value lands in bucket 0: the first variation with weight', () => {
    for (const id of [MISSING, 1.5, true, [1], null]) {
      expect(evaluate(set, 'split-by-account', { targetingKey: 'u1', ...account(id) })).toMatchObject({ variant: 'b', reason: 'SPLIT' });
      expect(evaluate(set, 'rollout-by-account', { targetingKey: 'u1', ...account(id) })).toMatchObject({ variant: 'on', reason: 'SPLIT' });
    }
  });
});

describe('the same flags in murmur3 mode keep aiflags answers', () => {
  const set = parseFlags(flagsIn('murmur3'), 'edges.json');
  it.each([
    ['split-by-account', {}, CALLER_DEFAULT],
    ['split-by-account', { accountId: 1.5 }, CALLER_DEFAULT],
    ['rollout-by-account', { account: { id: true } }, CALLER_DEFAULT],
    ['less-than', { a: '99' }, 'yes'],
    ['first-item', { items: ['x'] }, 'yes'],
    ['inverted-in', {}, 'no'],
  ])('%s %j → %s', (flag, ctx, expected) => {
    expect(localValue(set, flag, { targetingKey: 'u1', ...ctx })).toBe(expected);
  });
});
