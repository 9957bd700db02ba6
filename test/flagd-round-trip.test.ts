/**
 * aiflags -> flagd -> aiflags keeps every assignment (fast-check, fixed seed, 10,000 users per generated
 * file), and `@openfeature/flagd-core` serves an exported file exactly as aiflags serves the original:
 * 10,000 users x every flag of the sample flag files, 0 mismatches.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { FlagdCore } from '@openfeature/flagd-core';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { evaluate, exportToFlagd, parseFlags, validateFlags, type FlagSet, type FlagValue } from '@aiflags/core';
import { SAMPLE_FLAGS_YAML } from './support/sample-flags.js';

const USERS = 10_000;
const PLANS = ['free', 'pro', 'team'];

function user(i: number): Record<string, unknown> {
  const ctx: Record<string, unknown> = { targetingKey: `user-${i}`, account: { id: `acct-${(i * 7919) % 100_003}` } };
  if (i % 7 !== 0) ctx.plan = PLANS[i % 3];
  if (i % 5 !== 0) ctx.email = i % 4 === 0 ? `u${i}@acme.com` : `u${i}@mail.example`;
  if (i % 3 !== 0) ctx.age = 18 + (i % 60);
  if (i % 11 !== 0) ctx.version = `${i % 3}.${i % 4}.${i % 5}`;
  return ctx;
}

const percentages = (n: number) =>
  fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: n - 1, maxLength: n - 1 }).map((cuts) => {
    const sorted = [0, ...cuts.sort((a, b) => a - b), 100_000];
    return sorted.slice(1).map((c, i) => (c - (sorted[i] as number)) / 1000);
  });

const condition = fc.oneof(
  fc.record({ attribute: fc.constant('plan'), op: fc.constantFrom('in', 'not_in', 'equals', 'not_equals'), values: fc.subarray(PLANS, { minLength: 1 }) }),
  fc.record({
    attribute: fc.constant('email'),
    op: fc.constantFrom('starts_with', 'ends_with', 'contains', 'not_contains'),
    values: fc.subarray(['u1', '@acme.com', 'mail', '3@'], { minLength: 1, maxLength: 2 }),
  }),
  fc.record({ attribute: fc.constant('age'), op: fc.constantFrom('lt', 'lte', 'gt', 'gte'), values: fc.tuple(fc.integer({ min: 15, max: 80 })) }),
  fc.record({
    attribute: fc.constant('version'),
    op: fc.constantFrom('semver_eq', 'semver_lt', 'semver_lte', 'semver_gt', 'semver_gte'),
    values: fc.tuple(fc.constantFrom('1.2.3', '0.0.0', '2.3.4', '1.0.0')),
  }),
);

const VARIANTS = ['a', 'b', 'c', 'd'];
const outcome = fc.oneof(
  fc.record({ variant: fc.constantFrom(...VARIANTS) }),
  fc.record({ rollout: fc.record({ variant: fc.constantFrom(...VARIANTS), percentage: fc.integer({ min: 0, max: 100_000 }).map((u) => u / 1000) }) }),
  fc.integer({ min: 1, max: 4 }).chain((n) => percentages(n).map((p) => ({ split: Object.fromEntries(VARIANTS.slice(0, n).map((v, i) => [v, p[i]])) }))),
);

const flag = fc.record({
  variants: fc.constant(Object.fromEntries(VARIANTS.map((v) => [v, v.toUpperCase()]))),
  defaultVariant: fc.constantFrom(...VARIANTS),
  rules: fc.array(
    fc.tuple(fc.array(condition, { minLength: 1, maxLength: 2 }), outcome).map(([conditions, o]) => ({ conditions, ...o })),
    { maxLength: 3 },
  ),
  top: fc.option(
    outcome.filter((o) => !('variant' in o)),
    { nil: undefined },
  ),
  bucketing: fc.record({
    hash: fc.constant('flagd'),
    by: fc.constantFrom('targetingKey', 'account.id'),
    salt: fc.option(fc.constantFrom('', 'seed-1'), { nil: undefined }),
  }),
});

const flagFile = fc.dictionary(fc.constantFrom('f1', 'f2', 'f3'), flag, { minKeys: 1 }).map((flags) => ({
  flags: Object.fromEntries(
    Object.entries(flags).map(([key, { top, bucketing, ...f }]) => [
      key,
      { ...f, ...(top ?? {}), bucketing: bucketing.salt === undefined ? { hash: 'flagd', by: bucketing.by } : bucketing },
    ]),
  ),
}));

function assignments(set: FlagSet, key: string, users: number): string[] {
  return Array.from({ length: users }, (_, i) => {
    const r = evaluate(set, key, user(i));
    return `${r.variant}=${JSON.stringify(r.value)}`;
  });
}

describe('flagd export and import', () => {
  it(`export to flagd and import back assigns ${USERS.toLocaleString('en')} users the same, as flagd-core does (fast-check, seed 1717)`, () => {
    fc.assert(
      fc.property(flagFile, (file) => {
        const set = validateFlags(file, 'generated.yaml');
        const { data, problems } = exportToFlagd(set);
        expect(problems).toEqual([]);
        const back = parseFlags(JSON.stringify(data), 'generated.flagd.json');
        const core = new FlagdCore();
        core.setConfigurations(JSON.stringify(data));
        for (const key of set.flags.keys()) {
          const local = assignments(set, key, USERS);
          expect(assignments(back, key, USERS)).toEqual(local);
          // flagd-core itself on the export, for the first users.
          const remote = Array.from({ length: 1000 }, (_, i) => {
            const r = core.resolveStringEvaluation(key, '?', user(i) as never);
            return `${r.variant}=${JSON.stringify(r.value)}`;
          });
          expect(remote).toEqual(local.slice(0, 1000));
        }
      }),
      { seed: 1717, numRuns: 25 },
    );
  });

  it('the round trip catches a difference: a different seed moves users', () => {
    const set = parseFlags('flags:\n  f: { enabled: true, percentage: 50, bucketing: { hash: flagd } }\n', 'f.yaml');
    const { data } = exportToFlagd(set);
    const moved = JSON.parse(JSON.stringify(data).replace('"fractional":[', '"fractional":["other-seed",')) as object;
    const back = parseFlags(JSON.stringify(moved).replace('["other-seed",', '[{"cat":["other",{"var":"targetingKey"}]},'), 'f.flagd.json');
    const a = assignments(set, 'f', 1000);
    const b = assignments(back, 'f', 1000);
    expect(a.filter((x, i) => x !== b[i]).length).toBeGreaterThan(300);
  });
});

const SAMPLES: Record<string, string> = {
  'examples/chat-service/flags.yaml': readFileSync(join(import.meta.dirname, '../examples/chat-service/flags.yaml'), 'utf8'),
  'test/support/sample-flags.ts': SAMPLE_FLAGS_YAML,
  'test/fixtures/check/flags.yaml': readFileSync(join(import.meta.dirname, 'fixtures/check/flags.yaml'), 'utf8'),
};

/** The sample flags with flagd's bucketing, which an export needs to keep assignments. */
function inFlagdMode(yaml: string, source: string): FlagSet {
  const file = parse(yaml) as { $schema?: string; flags: Record<string, Record<string, unknown>> };
  delete file.$schema;
  for (const f of Object.values(file.flags)) f.bucketing = { hash: 'flagd' };
  return validateFlags(file, source);
}

function resolveFlagd(core: FlagdCore, key: string, fallback: FlagValue, ctx: Record<string, unknown>) {
  const context = ctx as Parameters<FlagdCore['resolveStringEvaluation']>[2];
  if (typeof fallback === 'boolean') return core.resolveBooleanEvaluation(key, fallback, context);
  if (typeof fallback === 'number') return core.resolveNumberEvaluation(key, fallback, context);
  if (typeof fallback === 'string') return core.resolveStringEvaluation(key, fallback, context);
  return core.resolveObjectEvaluation(key, fallback as never, context);
}

describe.each(Object.keys(SAMPLES))('flagd-core on the export of %s', (source) => {
  const set = inFlagdMode(SAMPLES[source] as string, source);
  const { data, problems } = exportToFlagd(set);
  const core = new FlagdCore();
  core.setConfigurations(JSON.stringify(data));

  const disabled = [...set.flags.values()].filter((f) => !f.definition.enabled).map((f) => f.key);

  it('exports every flag; kill switches and the off variant of a disabled flag are listed as what flagd cannot express', () => {
    expect(problems).toEqual([
      ...disabled.map((flag) => ({ flag, field: 'offVariant', message: expect.stringContaining("serves the caller's default") })),
      ...[...set.killSwitches.keys()].map((flag) => ({ flag, field: 'killSwitches', message: expect.any(String) })),
    ]);
  });

  it.each(disabled)("%s: flagd serves a disabled flag's caller default, reason DISABLED", (key) => {
    expect(core.resolveBooleanEvaluation(key, true, {})).toMatchObject({ value: true, reason: 'DISABLED' });
  });

  it.each([...set.flags.keys()].filter((k) => !disabled.includes(k)))(`%s: 0 mismatches over ${USERS.toLocaleString('en')} users`, (key) => {
    const type = set.flags.get(key)?.type;
    const fallback: FlagValue = type === 'boolean' ? false : type === 'number' ? -1 : type === 'string' ? '?' : {};
    const mismatches: unknown[] = [];
    const served = new Set<string | undefined>();
    for (let i = 0; i < USERS; i++) {
      const ctx = user(i);
      const local = evaluate(set, key, ctx);
      const remote = resolveFlagd(core, key, fallback, ctx);
      const value = local.value ?? fallback;
      if (JSON.stringify(remote.value) !== JSON.stringify(value) || remote.variant !== local.variant)
        mismatches.push({ user: ctx.targetingKey, local: local.variant, flagd: remote.variant });
      served.add(local.variant);
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
    expect(mismatches).toHaveLength(0);
    const def = set.flags.get(key)?.definition;
    if (def?.enabled && (def.rollout || def.split)) expect(served.size).toBeGreaterThan(1);
  });
});
