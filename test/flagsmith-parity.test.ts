/**
 * The migration promise: flags with `bucketing: { hash: flagsmith }`, exported as an environment document and
 * loaded into the real flagsmith-nodejs SDK (offline, LocalFileHandler), give every identity the same value,
 * variant and reason as the local evaluator.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { evaluate, parseFlags } from '@aiflags/core';
import type { EvaluationContext, FlagSet } from '@aiflags/core';
import type { JsonValue, ResolutionDetails } from '@openfeature/server-sdk';
import { createFlagsmithProvider, exportToFlagsmith, type FlagsmithProvider } from '@aiflags/flagsmith';

const USERS = 10_000;
const ENV = 'n9fbf9h3v4fFgH3U3ngWhb';

const FLAGS = `
id: parity
segments:
  beta:
    conditions:
      - { attribute: email, op: ends_with, values: ["@acme.com"] }
      - { attribute: plan, op: in, values: [pro, enterprise] }
flags:
  new_system_prompt: { enabled: true, percentage: 10, bucketing: { hash: flagsmith, salt: ${ENV} } }
  system-prompt:
    changeType: system-prompt
    variants: { a: "You are helpful.", b: "You are concise.", c: "You are a senior engineer." }
    defaultVariant: a
    split: { a: 33, b: 33, c: 34 }
    bucketing: { hash: flagsmith, salt: ${ENV} }
  chat-model:
    changeType: model-swap
    kind: model-config
    variants:
      control: { model: gpt-4o, provider: openai, params: { temperature: 0.7 } }
      treatment: { model: claude-sonnet-4, provider: anthropic, params: { temperature: 0.7 } }
      challenger: { model: gemini-2.5-pro, provider: google, params: { temperature: 0.5 } }
    defaultVariant: control
    split: { control: 50, treatment: 25.5, challenger: 24.5 }
    bucketing: { hash: flagsmith, salt: ${ENV}, seed: 1016365 }
  agent-workflow:
    changeType: agent-workflow
    variants: { none: none, basic: basic, full: full }
    defaultVariant: none
    rollout: { variant: basic, percentage: 20 }
    bucketing: { hash: flagsmith, salt: ${ENV} }
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
  temperature:
    enabled: false
    variants: { low: 0.2, high: 0.9 }
    defaultVariant: high
    offVariant: low
  max-tokens:
    variants: { short: 256, long: 4096 }
    defaultVariant: long
    bucketing: { hash: flagsmith, salt: ${ENV} }
    rules:
      - conditions: [{ attribute: plan, op: equals, values: [free] }]
        variant: short
      - conditions: [{ attribute: country, op: in, values: [JP, DE] }]
        rollout: { variant: short, percentage: 35 }
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
    plan: ['free', 'pro', 'enterprise'][i % 3] as string,
    appVersion: ['1.9.0', '2.0.0', '2.1.0', '2.2.1', '3.0.0'][i % 5] as string,
    country: ['US', 'FR', 'DE', 'JP'][i % 4] as string,
    age: (i * 7919) % 90,
  };
}

function resolve(provider: FlagsmithProvider, key: string, kind: Kind, ctx: EvaluationContext) {
  const fallback = DEFAULTS[kind];
  const of = ctx as Parameters<FlagsmithProvider['resolveBooleanEvaluation']>[2];
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

describe('Flagsmith parity: the exported environment document in the real SDK vs the local evaluator', () => {
  let set: FlagSet;
  let provider: FlagsmithProvider;
  let dir: string;

  beforeAll(async () => {
    set = parseFlags(FLAGS, 'parity.yaml');
    const { data, problems } = exportToFlagsmith(set);
    expect(problems).toEqual([]);
    dir = mkdtempSync(join(tmpdir(), 'aiflags-flagsmith-'));
    const file = join(dir, 'flagsmith.json');
    writeFileSync(file, JSON.stringify(data));
    provider = createFlagsmithProvider({ environmentFile: file, catalog: data.catalog });
    await provider.initialize();
  });

  afterAll(async () => {
    await provider?.onClose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.each(FLAG_TYPES)(`%s (%s): zero mismatches over ${USERS} identities`, async (key, kind) => {
    const mismatches: unknown[] = [];
    const variants = new Map<string, number>();
    for (let i = 0; i < USERS; i++) {
      const ctx = user(i);
      const local = comparable(evaluate(set, key, ctx));
      const remote = comparable((await resolve(provider, key, kind, ctx)) as ResolutionDetails<unknown>);
      if (JSON.stringify(local) !== JSON.stringify(remote)) mismatches.push({ user: ctx.targetingKey, local, remote });
      variants.set(String(local.variant), (variants.get(String(local.variant)) ?? 0) + 1);
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
    expect(mismatches).toHaveLength(0);
    expect(variants.has('undefined')).toBe(false);
  });

  it('the comparison catches a difference: with murmur3 bucketing identities move (and the exporter says so)', async () => {
    const murmur = parseFlags(
      FLAGS.replace(`split: { a: 33, b: 33, c: 34 }\n    bucketing: { hash: flagsmith, salt: ${ENV} }`, 'split: { a: 33, b: 33, c: 34 }'),
      'murmur.yaml',
    );
    const { data, problems } = exportToFlagsmith(murmur);
    expect(problems).toEqual([expect.objectContaining({ flag: 'system-prompt', field: 'bucketing.hash' })]);
    const file = join(dir, 'murmur.json');
    writeFileSync(file, JSON.stringify(data));
    const other = createFlagsmithProvider({ environmentFile: file, catalog: data.catalog });
    let moved = 0;
    for (let i = 0; i < 1000; i++) {
      const ctx = user(i);
      const remote = await other.resolveStringEvaluation('system-prompt', '', ctx as never);
      if (remote.variant !== evaluate(murmur, 'system-prompt', ctx).variant) moved++;
    }
    expect(moved).toBeGreaterThan(500);
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
    for (const v of ['none', 'basic', 'full']) expect(share('agent-workflow', v)).toBeGreaterThan(0.05);
    expect(share('max-tokens', 'short')).toBeGreaterThan(0.4);
    expect(share('temperature', 'low')).toBe(1);
  });
});

describe('Flagsmith parity on random flags (fast-check)', () => {
  const weights = (n: number) =>
    fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: n, maxLength: n }).map((raw) => {
      const total = raw.reduce((a, b) => a + b, 0) || 1;
      const scaled = raw.map((r) => Math.floor((r * 100_000) / total));
      scaled[0] = (scaled[0] as number) + 100_000 - scaled.reduce((a, b) => a + b, 0);
      return scaled.map((w) => w / 1000);
    });
  const randomFlag = fc.record({
    arms: fc.integer({ min: 2, max: 5 }).chain((n) => weights(n)),
    rollout: fc.option(
      fc.integer({ min: 0, max: 100_000 }).map((p) => p / 1000),
      { nil: undefined },
    ),
    salt: fc.stringMatching(/^[A-Za-z0-9]{1,22}$/),
    seed: fc.option(fc.integer({ min: 1, max: 2_000_000_000 }), { nil: undefined }),
  });

  it('40 random splits and rollouts (0.001 % steps, salts, seeds) over 200 identities each: 0 mismatches', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aiflags-flagsmith-fc-'));
    try {
      await fc.assert(
        fc.asyncProperty(randomFlag, async ({ arms, rollout, salt, seed }) => {
          const variants = arms.map((_, i) => `v${i}: "value ${i}"`).join(', ');
          const allocation =
            rollout !== undefined ? `rollout: { variant: v1, percentage: ${rollout} }` : `split: { ${arms.map((w, i) => `v${i}: ${w}`).join(', ')} }`;
          const bucketing = `bucketing: { hash: flagsmith, salt: "${salt}"${seed !== undefined ? `, seed: ${seed}` : ''} }`;
          const set = parseFlags(`flags:\n  f:\n    variants: { ${variants} }\n    defaultVariant: v0\n    ${allocation}\n    ${bucketing}\n`, 'random.yaml');
          const { data, problems } = exportToFlagsmith(set);
          expect(problems).toEqual([]);
          const file = join(dir, 'random.json');
          writeFileSync(file, JSON.stringify(data));
          const provider = createFlagsmithProvider({ environmentFile: file, catalog: data.catalog });
          for (let i = 0; i < 200; i++) {
            const ctx = { targetingKey: `id-${i}-${salt}` };
            const local = evaluate(set, 'f', ctx);
            const remote = await provider.resolveStringEvaluation('f', '', ctx);
            expect({ value: remote.value, variant: remote.variant, reason: remote.reason }).toEqual({
              value: local.value,
              variant: local.variant,
              reason: local.reason,
            });
          }
        }),
        { numRuns: 40 },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
