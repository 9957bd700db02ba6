/**
 * The unleash mode at the edges a migration meets, each case answered by the real unleash-client (the
 * exported features given to it as bootstrap, no server) through the Unleash provider, and by the local
 * evaluator on the aiflags file:
 * - not_in, not_equals, not_contains and inverted conditions match a context without the attribute;
 * - a rollout or split whose stickiness id is absent serves nothing, even at 100 % (a rule falls through);
 * - caseInsensitive and inverted constraints.
 * The same flags in murmur3 mode answer as aiflags always has.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluate, parseFlags } from '@aiflags/core';
import type { EvaluationContext, FlagSet } from '@aiflags/core';
import { InMemStorageProvider, Unleash } from 'unleash-client';
import type { ClientFeaturesResponse } from 'unleash-client';
import { createUnleashProvider, exportToUnleash } from '@aiflags/unleash';
import type { UnleashImport, UnleashProvider } from '@aiflags/unleash';

const CALLER_DEFAULT = 'caller-default';
const MISSING = Symbol('missing');

const rule = (condition: Record<string, unknown>) => ({
  variants: { yes: 'yes', no: 'no' },
  defaultVariant: 'no',
  rules: [{ conditions: [condition], variant: 'yes' }],
});

const flagsIn = (hash: string) =>
  JSON.stringify({
    flags: {
      'not-in': { ...rule({ attribute: 'plan', op: 'not_in', values: ['free'] }), bucketing: { hash } },
      'not-equals': { ...rule({ attribute: 'plan', op: 'not_equals', values: ['free'] }), bucketing: { hash } },
      'not-contains': { ...rule({ attribute: 'plan', op: 'not_contains', values: ['ree'] }), bucketing: { hash } },
      'inverted-in': { ...rule({ attribute: 'plan', op: 'in', values: ['free'], inverted: true }), bucketing: { hash } },
      'inverted-not-in': { ...rule({ attribute: 'plan', op: 'not_in', values: ['free'], inverted: true }), bucketing: { hash } },
      'inverted-gt': { ...rule({ attribute: 'plan', op: 'gt', values: [10], inverted: true }), bucketing: { hash } },
      'starts-with-any-case': { ...rule({ attribute: 'plan', op: 'starts_with', values: ['Fr'], caseInsensitive: true }), bucketing: { hash } },
      'not-contains-any-case': { ...rule({ attribute: 'plan', op: 'not_contains', values: ['REE'], caseInsensitive: true }), bucketing: { hash } },
      'ends-with-any-case-inverted': {
        ...rule({ attribute: 'plan', op: 'ends_with', values: ['EE'], caseInsensitive: true, inverted: true }),
        bucketing: { hash },
      },
      'rollout-everyone': {
        variants: { on: 'on', off: 'off' },
        defaultVariant: 'off',
        rollout: { variant: 'on', percentage: 100 },
        bucketing: { hash, by: 'accountId' },
      },
      'rollout-nobody': {
        variants: { on: 'on', off: 'off' },
        defaultVariant: 'off',
        rollout: { variant: 'on', percentage: 0 },
        bucketing: { hash, by: 'accountId' },
      },
      'rule-rollout': {
        variants: { on: 'on', off: 'off', pro: 'pro' },
        defaultVariant: 'off',
        rules: [
          { conditions: [{ attribute: 'plan', op: 'in', values: ['pro'] }], rollout: { variant: 'pro', percentage: 100 } },
          { conditions: [{ attribute: 'plan', op: 'in', values: ['pro'] }], variant: 'on' },
        ],
        bucketing: { hash, by: 'account.id' },
      },
      'split-by-account': {
        variants: { a: 'a', b: 'b' },
        defaultVariant: 'a',
        split: { a: 50, b: 50 },
        bucketing: { hash, by: 'accountId' },
      },
      'default-stickiness-rollout': {
        variants: { on: 'on', off: 'off' },
        defaultVariant: 'off',
        rollout: { variant: 'on', percentage: 50 },
        bucketing: { hash },
      },
      'boolean-by-account': { enabled: true, percentage: 100, bucketing: { hash, by: 'accountId' } },
      'default-stickiness-split': {
        variants: { a: 'a', b: 'b', c: 'c' },
        defaultVariant: 'a',
        split: { a: 30, b: 30, c: 40 },
        bucketing: { hash },
      },
    },
  });

const plans = ['free', 'Free', 'FREE', 'pro', 'freebie', 'tree', '', 25, 5, MISSING];
const withPlan = (plan: unknown) => ({ targetingKey: 'u1', ...(plan === MISSING ? {} : { plan }) });
const accounts = [MISSING, '', 'acct-1', 'acct-2', 'acct-3', 'acct-4', 7, true];
const withAccount = (id: unknown) => ({ targetingKey: 'u1', ...(id === MISSING ? {} : { accountId: id, account: { id } }) });

// Unleash's default stickiness: userId, else sessionId (with neither, a random id no test can compare).
const sessions = ['s1', 's2', 's3', 's4', 's5', 's6'].flatMap((id, i) => [
  { sessionId: id },
  { userId: `u${i}` },
  { targetingKey: `k${i}`, sessionId: id },
  { targetingKey: '', sessionId: id },
]);

const CASES: [flag: string, contexts: Record<string, unknown>[]][] = [
  ['not-in', plans.map(withPlan)],
  ['not-equals', plans.map(withPlan)],
  ['not-contains', plans.map(withPlan)],
  ['inverted-in', plans.map(withPlan)],
  ['inverted-not-in', plans.map(withPlan)],
  ['inverted-gt', plans.map(withPlan)],
  ['starts-with-any-case', plans.map(withPlan)],
  ['not-contains-any-case', plans.map(withPlan)],
  ['ends-with-any-case-inverted', plans.map(withPlan)],
  ['rollout-everyone', accounts.map(withAccount)],
  ['rollout-nobody', accounts.map(withAccount)],
  ['rule-rollout', accounts.map((id) => ({ ...withAccount(id), plan: 'pro' }))],
  ['split-by-account', accounts.map(withAccount)],
  ['default-stickiness-rollout', sessions],
  ['default-stickiness-split', sessions],
];

type FeatureInterface = ClientFeaturesResponse['features'][number];

/** The export as unleash-client's features (what its client API would send for the environment). */
function clientFeatures(data: UnleashImport): FeatureInterface[] {
  return data.features.map((feature) => ({
    name: feature.name,
    type: feature.type,
    project: 'default',
    enabled: data.featureEnvironments.find((e) => e.featureName === feature.name)?.enabled ?? false,
    stale: false,
    impressionData: false,
    strategies: data.featureStrategies
      .filter((s) => s.featureName === feature.name)
      .sort((a, b) => a.sortOrder - b.sortOrder)
      .map((s) => ({ name: s.name, parameters: s.parameters, constraints: s.constraints, variants: s.variants, segments: [] })),
    variants: [],
  })) as FeatureInterface[];
}

/** A port nothing listens on: the client never fetches anything but its bootstrap. */
async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 1));
    });
  });
}

/** The local answer as an OpenFeature caller sees it: the caller's default on an error. */
function localValue(set: FlagSet, key: string, ctx: EvaluationContext): unknown {
  const result = evaluate(set, key, ctx);
  return result.errorCode === undefined ? result.value : CALLER_DEFAULT;
}

describe('unleash mode against the real unleash-client', () => {
  const set = parseFlags(flagsIn('unleash'), 'edges.json');
  let provider: UnleashProvider;

  beforeAll(async () => {
    const { data, problems } = exportToUnleash(set);
    expect(problems).toEqual([]);
    const unleash = new Unleash({
      appName: 'aiflags-edges',
      url: `http://127.0.0.1:${await closedPort()}/api/`,
      refreshInterval: 60_000,
      disableMetrics: true,
      storageProvider: new InMemStorageProvider(),
      skipInstanceCountWarning: true,
      bootstrap: { data: clientFeatures(data) },
    });
    unleash.on('error', () => {});
    provider = createUnleashProvider({ unleash, initTimeoutMs: 5_000 });
    await provider.initialize();
    // The provider owns no client it was given: destroy it here.
    afterAll(() => unleash.destroy());
  });

  it.each(CASES)('%s: every context gets the client answer', async (flag, contexts) => {
    const rows = [];
    for (const ctx of contexts) {
      const unleash = (await provider.resolveStringEvaluation(flag, CALLER_DEFAULT, ctx as never)).value;
      rows.push({ ctx, local: localValue(set, flag, ctx as EvaluationContext), unleash });
    }
    expect(rows.filter((r) => r.local !== r.unleash)).toEqual([]);
    // Not vacuous: each flag answers differently for some contexts.
    expect(new Set(rows.map((r) => r.unleash)).size).toBeGreaterThan(1);
  });

  // The README lists these; each must still differ, or the README is wrong.
  it('remaining differences: a boolean serving nothing, a split by remoteAddress, an array attribute', async () => {
    const local = (flag: string, ctx: EvaluationContext) => evaluate(set, flag, ctx);
    expect(local('boolean-by-account', { targetingKey: 'u1' })).toMatchObject({ errorCode: 'TARGETING_KEY_MISSING' });
    expect((await provider.resolveBooleanEvaluation('boolean-by-account', true, { targetingKey: 'u1' })).value).toBe(false);
    expect(local('default-stickiness-split', { remoteAddress: '10.0.0.1' })).toMatchObject({ errorCode: 'TARGETING_KEY_MISSING' });
    expect((await provider.resolveStringEvaluation('default-stickiness-split', CALLER_DEFAULT, { remoteAddress: '10.0.0.1' })).value).not.toBe(CALLER_DEFAULT);
    expect(local('not-in', { targetingKey: 'u1', plan: ['free'] }).value).toBe('no');
    expect((await provider.resolveStringEvaluation('not-in', CALLER_DEFAULT, { targetingKey: 'u1', plan: ['free'] })).value).toBe('yes');
  });

  it('without its stickiness id a 100 % rollout serves nothing, and a rule with one falls through to the next', () => {
    expect(evaluate(set, 'rollout-everyone', { targetingKey: 'u1' })).toMatchObject({ errorCode: 'TARGETING_KEY_MISSING' });
    expect(evaluate(set, 'rollout-everyone', { targetingKey: 'u1', accountId: 'a' })).toMatchObject({ variant: 'on' });
    expect(evaluate(set, 'rule-rollout', { targetingKey: 'u1', plan: 'pro' })).toMatchObject({ variant: 'on', reason: 'TARGETING_MATCH' });
    expect(evaluate(set, 'not-in', { targetingKey: 'u1' })).toMatchObject({ variant: 'yes', reason: 'TARGETING_MATCH' });
  });
});

describe('the same flags in murmur3 mode keep aiflags answers', () => {
  const set = parseFlags(flagsIn('murmur3'), 'edges.json');
  it.each([
    ['not-in', {}, 'no'],
    ['not-contains', {}, 'no'],
    ['inverted-in', {}, 'no'],
    ['inverted-in', { plan: 'pro' }, 'yes'],
    ['starts-with-any-case', { plan: 'FREE' }, 'yes'],
    ['rollout-everyone', {}, 'on'],
    ['rollout-nobody', {}, 'off'],
    ['rule-rollout', { plan: 'pro' }, 'pro'],
    ['split-by-account', {}, CALLER_DEFAULT],
    ['default-stickiness-split', { targetingKey: undefined, sessionId: 's1' }, CALLER_DEFAULT],
  ])('%s %j → %s', (flag, ctx, expected) => {
    expect(localValue(set, flag, { targetingKey: 'u1', ...ctx })).toBe(expected);
  });
});
