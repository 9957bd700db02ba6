/**
 * The migration promise: a flag with `bucketing: { hash: launchdarkly }`, exported and loaded into the
 * real LaunchDarkly SDK (file data source), gives every user the same value, variant and reason as the
 * local evaluator. Also LaunchDarkly's own published bucket values, checked through both.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { evaluate, parseFlags } from '@aiflags/core';
import type { EvaluationContext, FlagSet } from '@aiflags/core';
import { init } from '@launchdarkly/node-server-sdk';
import type { LDClient, LDLogger } from '@launchdarkly/node-server-sdk';
import { FileDataSourceFactory, TestData } from '@launchdarkly/node-server-sdk/integrations';
import type { ResolutionDetails, JsonValue } from '@openfeature/server-sdk';
import { exportToLaunchDarkly, LaunchDarklyProvider } from '@aiflags/launchdarkly';

const quiet: LDLogger = { error() {}, warn() {}, info() {}, debug() {} };
const USERS = 10_000;

const FLAGS = `
id: parity
segments:
  beta:
    conditions:
      - { attribute: email, op: ends_with, values: ["@acme.com"] }
      - { attribute: account.plan, op: in, values: [pro, enterprise] }
flags:
  new_system_prompt: { enabled: true, percentage: 10, bucketing: { hash: launchdarkly } }
  system-prompt:
    changeType: system-prompt
    variants: { a: "You are helpful.", b: "You are concise.", c: "You are a senior engineer." }
    defaultVariant: a
    split: { a: 33, b: 33, c: 34 }
    bucketing: { hash: launchdarkly }
  chat-model:
    changeType: model-swap
    variants:
      control: { model: gpt-4o, provider: openai, temperature: 0.7 }
      treatment: { model: claude-sonnet-4, provider: anthropic, temperature: 0.7 }
      challenger: { model: gemini-2.5-pro, provider: google, temperature: 0.5 }
    defaultVariant: control
    split: { control: 50, treatment: 25.5, challenger: 24.5 }
    bucketing: { hash: launchdarkly, salt: chat-model-v2, seed: 61 }
  agent-workflow:
    changeType: agent-workflow
    variants: { none: none, basic: basic, full: full }
    defaultVariant: none
    rollout: { variant: basic, percentage: 20 }
    bucketing: { hash: launchdarkly, by: org.id }
    rules:
      - name: beta-testers
        segment: beta
        variant: full
      - name: new-clients
        conditions:
          - { attribute: appVersion, op: semver_gte, values: ["2.1.0"] }
          - { attribute: country, op: not_in, values: [FR] }
        split: { basic: 50, full: 50 }
      - name: minors
        conditions: [{ attribute: age, op: lt, values: [18] }]
        variant: none
      - name: legacy-clients
        conditions: [{ attribute: appVersion, op: semver_lte, values: ["1.9.0"] }]
        rollout: { variant: basic, percentage: 70 }
  temperature:
    enabled: false
    variants: { low: 0.2, high: 0.9 }
    defaultVariant: high
    offVariant: low
  max-tokens:
    variants: { short: 256, long: 4096 }
    defaultVariant: long
    rules:
      - conditions: [{ attribute: account.plan, op: equals, values: [free] }]
        variant: short
killSwitches:
  ai_agent_enabled: {}
  web_search_enabled: { enabled: false }
`;

type Kind = 'boolean' | 'string' | 'number' | 'object';
const FLAG_TYPES: [string, Kind][] = [
  ['new_system_prompt', 'boolean'],
  ['system-prompt', 'string'],
  ['chat-model', 'object'],
  ['agent-workflow', 'string'],
  ['temperature', 'number'],
  ['max-tokens', 'number'],
  ['ai_agent_enabled', 'boolean'],
  ['web_search_enabled', 'boolean'],
];
const DEFAULTS: Record<Kind, boolean | string | number | JsonValue> = { boolean: false, string: '', number: -1, object: {} };

function user(i: number): EvaluationContext {
  return {
    targetingKey: `user-${i}`,
    email: i % 7 === 0 ? `u${i}@acme.com` : `u${i}@example.com`,
    account: { plan: ['free', 'pro', 'enterprise'][i % 3] },
    appVersion: ['1.9.0', '2.0.0', '2.1.0', '2.1', '3', 'not-a-version', '1.2'][i % 7],
    country: ['US', 'FR', 'DE', 'JP'][i % 4],
    age: (i * 7919) % 90,
    org: { id: `org-${(i * 31) % 997}` },
  };
}

function resolve(provider: LaunchDarklyProvider, key: string, kind: Kind, ctx: EvaluationContext) {
  const fallback = DEFAULTS[kind];
  const of = ctx as Parameters<LaunchDarklyProvider['resolveBooleanEvaluation']>[2];
  switch (kind) {
    case 'boolean':
      return provider.resolveBooleanEvaluation(key, fallback as boolean, of);
    case 'string':
      return provider.resolveStringEvaluation(key, fallback as string, of);
    case 'number':
      return provider.resolveNumberEvaluation(key, fallback as number, of);
    case 'object':
      return provider.resolveObjectEvaluation(key, fallback as JsonValue, of);
  }
}

function comparable(r: { value?: unknown; variant?: string; reason?: string; errorCode?: string }) {
  return { value: r.value, variant: r.variant, reason: r.reason, errorCode: r.errorCode };
}

describe('LaunchDarkly parity: exported flags in the real SDK vs the local evaluator', () => {
  let set: FlagSet;
  let client: LDClient;
  let provider: LaunchDarklyProvider;
  let dir: string;

  beforeAll(async () => {
    set = parseFlags(FLAGS, 'parity.yaml');
    const { data, problems } = exportToLaunchDarkly(set);
    expect(problems).toEqual([]);
    dir = mkdtempSync(join(tmpdir(), 'aiflags-ld-'));
    const file = join(dir, 'launchdarkly.json');
    writeFileSync(file, JSON.stringify(data));
    const files = new FileDataSourceFactory({ paths: [file] });
    client = init('sdk-key', { updateProcessor: files.getFactory(), sendEvents: false, diagnosticOptOut: true, logger: quiet });
    provider = new LaunchDarklyProvider(client, { catalog: data.catalog });
    await provider.initialize();
  });

  afterAll(() => {
    client?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.each(FLAG_TYPES)(`%s (%s): zero mismatches over ${USERS} users`, async (key, kind) => {
    const mismatches: unknown[] = [];
    const variants = new Map<string, number>();
    for (let i = 0; i < USERS; i++) {
      const ctx = user(i);
      const local = comparable(evaluate(set, key, ctx));
      const ld = comparable((await resolve(provider, key, kind, ctx)) as ResolutionDetails<unknown>);
      if (JSON.stringify(local) !== JSON.stringify(ld)) mismatches.push({ user: ctx.targetingKey, local, ld });
      variants.set(String(local.variant), (variants.get(String(local.variant)) ?? 0) + 1);
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
    expect(mismatches).toHaveLength(0);
    expect(variants.has('undefined')).toBe(false);
  });

  it('the comparison catches a difference: with murmur3 bucketing users move (and the exporter says so)', async () => {
    const murmur = parseFlags(
      FLAGS.replace('split: { a: 33, b: 33, c: 34 }\n    bucketing: { hash: launchdarkly }', 'split: { a: 33, b: 33, c: 34 }'),
      'murmur.yaml',
    );
    const { data, problems } = exportToLaunchDarkly(murmur);
    expect(problems).toEqual([expect.objectContaining({ flag: 'system-prompt', field: 'bucketing.hash' })]);
    const td = new TestData();
    await td.usePreconfiguredFlag(data.flags['system-prompt'] as unknown as Record<string, unknown>);
    const other = init('sdk-key', { updateProcessor: td.getFactory(), sendEvents: false, diagnosticOptOut: true, logger: quiet });
    try {
      const ld = new LaunchDarklyProvider(other, { catalog: data.catalog });
      await ld.initialize();
      let moved = 0;
      for (let i = 0; i < 1000; i++) {
        const ctx = user(i);
        const remote = await ld.resolveStringEvaluation('system-prompt', '', ctx as never);
        if (remote.variant !== evaluate(murmur, 'system-prompt', ctx).variant) moved++;
      }
      expect(moved).toBeGreaterThan(500);
    } finally {
      other.close();
    }
  });

  it('the populations are what the file asks for (the comparison is not vacuous)', () => {
    const share = (key: string, variant: string) => {
      let n = 0;
      for (let i = 0; i < USERS; i++) if (evaluate(set, key, user(i)).variant === variant) n++;
      return n / USERS;
    };
    expect(share('new_system_prompt', 'on')).toBeGreaterThan(0.09);
    expect(share('new_system_prompt', 'on')).toBeLessThan(0.11);
    for (const v of ['a', 'b', 'c']) expect(share('system-prompt', v)).toBeGreaterThan(0.31);
    expect(share('chat-model', 'challenger')).toBeGreaterThan(0.22);
    const reasons = new Set(Array.from({ length: 500 }, (_, i) => evaluate(set, 'agent-workflow', user(i)).reason));
    expect(reasons).toEqual(new Set(['TARGETING_MATCH', 'SPLIT']));
  });
});

/**
 * Bucket values published in LaunchDarkly's SDK test suites (flag `hashKey`, salt `saltyA`; and seed 61).
 * A split puts a 0.001 % slice exactly at the published value; both sides must land in that slice.
 */
describe.each([
  ['userKeyA', 0.42157587, undefined],
  ['userKeyB', 0.6708485, undefined],
  ['userKeyC', 0.10343106, undefined],
  ['userKeyA', 0.09801207, 61],
  ['userKeyB', 0.14483777, 61],
  ['userKeyC', 0.9242641, 61],
])("LaunchDarkly's published bucket for %s is %d (seed %s)", (key, bucket, seed) => {
  const below = Math.floor(bucket * 100_000) / 1000;
  const text = `
flags:
  hashKey:
    variants: { below: below, hit: hit, above: above }
    defaultVariant: below
    split: { below: ${below}, hit: 0.001, above: ${Math.round((100 - below - 0.001) * 1000) / 1000} }
    bucketing: { hash: launchdarkly, salt: saltyA${seed ? `, seed: ${seed}` : ''} }
`;

  it('the local evaluator and the real SDK both put the user in the 0.001 % slice at that value', async () => {
    const set = parseFlags(text, 'vectors.yaml');
    expect(evaluate(set, 'hashKey', { targetingKey: key }).variant).toBe('hit');
    const { data } = exportToLaunchDarkly(set);
    const td = new TestData();
    await td.usePreconfiguredFlag(data.flags['hashKey'] as unknown as Record<string, unknown>);
    const client = init('sdk-key', { updateProcessor: td.getFactory(), sendEvents: false, diagnosticOptOut: true, logger: quiet });
    try {
      await client.waitForInitialization({ timeout: 5 });
      expect(await client.variation('hashKey', { kind: 'user', key }, 'none')).toBe('hit');
    } finally {
      client.close();
    }
  });
});

/** Weights in 1/100000 that sum to 100000, as percents with 0.001 resolution. */
const splitWeights = fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: 1, maxLength: 4 }).map((cuts) => {
  const sorted = [...cuts].sort((a, b) => a - b);
  const bounds = [0, ...sorted, 100_000];
  return bounds.slice(1).map((b, i) => (b - (bounds[i] as number)) / 1000);
});

describe('random rollouts and splits (fast-check): exported flags keep every assignment', () => {
  it('any split, salt, seed and bucketing attribute: the real SDK and the local evaluator agree', async () => {
    await fc.assert(
      fc.asyncProperty(
        splitWeights,
        fc.stringMatching(/^[A-Za-z0-9_.-]{1,12}$/),
        fc.option(fc.integer({ min: -1_000_000, max: 1_000_000 }), { nil: undefined }),
        fc.boolean(),
        fc.option(
          fc.integer({ min: 0, max: 100_000 }).map((w) => w / 1000),
          { nil: undefined },
        ),
        async (weights, salt, seed, byOrg, rolloutPercent) => {
          const variants = Object.fromEntries(weights.map((_, i) => [`v${i}`, `value-${i}`]));
          const serve =
            rolloutPercent !== undefined && weights.length > 1
              ? { rollout: { variant: 'v1', percentage: rolloutPercent } }
              : { split: Object.fromEntries(weights.map((w, i) => [`v${i}`, w])) };
          const flag = {
            variants,
            defaultVariant: 'v0',
            ...serve,
            bucketing: { hash: 'launchdarkly', salt, ...(seed !== undefined ? { seed } : {}), ...(byOrg ? { by: 'org.id' } : {}) },
          };
          const set = parseFlags(JSON.stringify({ flags: { 'random-flag': flag } }), 'random.json');
          const { data, problems } = exportToLaunchDarkly(set);
          expect(problems).toEqual([]);
          const td = new TestData();
          await td.usePreconfiguredFlag(data.flags['random-flag'] as unknown as Record<string, unknown>);
          const client = init('sdk-key', { updateProcessor: td.getFactory(), sendEvents: false, diagnosticOptOut: true, logger: quiet });
          try {
            const ld = new LaunchDarklyProvider(client, { catalog: data.catalog });
            await ld.initialize();
            for (let i = 0; i < 200; i++) {
              const ctx = user(i);
              const local = comparable(evaluate(set, 'random-flag', ctx));
              const remote = comparable(await ld.resolveStringEvaluation('random-flag', '', ctx as never));
              expect(remote).toEqual(local);
            }
          } finally {
            client.close();
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
