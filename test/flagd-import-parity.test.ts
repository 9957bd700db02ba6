/**
 * A flagd file using every construct the translator covers, read by the LocalProvider, against
 * `@openfeature/flagd-core` on the same file: 10,000 users x every flag, the same value, variant and reason.
 */
import { describe, expect, it } from 'vitest';
import { FlagdCore } from '@openfeature/flagd-core';
import type { EvaluationContext, JsonValue } from '@openfeature/server-sdk';
import { LocalProvider } from '@aiflags/provider';

const USERS = 10_000;

type Resolution = { value: unknown; variant?: string; reason?: string; errorCode?: string };
const present = (attr: string) => ({ '!=': [{ var: attr }, null] });

const FLAGD = {
  $schema: 'https://flagd.dev/schema/v0/flags.json',
  metadata: { flagSetId: 'parity', team: 'ml' },
  $evaluators: {
    staff: { ends_with: [{ var: 'email' }, '@acme.com'] },
    adult: { and: [present('age'), { '>=': [{ var: 'age' }, 18] }] },
  },
  flags: {
    equality: {
      state: 'ENABLED',
      variants: { a: 'A', b: 'B', c: 'C', d: 'D' },
      defaultVariant: 'd',
      targeting: {
        if: [
          { '==': [{ var: 'plan' }, 'pro'] },
          'a',
          { '===': ['team', { var: ['plan'] }] },
          'b',
          { and: [present('plan'), { '!=': [{ var: 'plan' }, 'free'] }] },
          'c',
          null,
        ],
      },
    },
    membership: {
      state: 'ENABLED',
      variants: { listed: 1, contains: 2, other: 3 },
      defaultVariant: 'other',
      targeting: { if: [{ in: [{ var: 'country' }, ['de', 'fr']] }, 'listed', { in: ['acme', { var: 'email' }] }, 'contains', 'other'] },
    },
    logic: {
      state: 'ENABLED',
      variants: { on: true, off: false },
      defaultVariant: 'off',
      targeting: {
        if: [
          { or: [{ $ref: 'staff' }, { and: [{ $ref: 'adult' }, { and: [present('country'), { '!': { in: [{ var: 'country' }, ['us']] } }] }] }] },
          'on',
          'off',
        ],
      },
    },
    ranges: {
      state: 'ENABLED',
      variants: { young: 'young', mid: 'mid', old: 'old', none: 'none' },
      defaultVariant: 'none',
      targeting: {
        if: [{ '<': [10, { var: 'age' }, 30] }, 'young', { '<=': [30, { var: 'age' }, 50] }, 'mid', { '>': [{ var: 'age' }, 50] }, 'old', null],
      },
    },
    strings: {
      state: 'ENABLED',
      variants: { prefix: 'p', suffix: 's', none: 'n' },
      defaultVariant: 'none',
      targeting: { if: [{ starts_with: [{ var: 'email' }, 'u1'] }, 'prefix', { ends_with: [{ var: 'email' }, '.example'] }, 'suffix', 'none'] },
    },
    versions: {
      state: 'ENABLED',
      variants: { eq: 'eq', caret: 'caret', tilde: 'tilde', lt: 'lt', ne: 'ne', none: 'none' },
      defaultVariant: 'none',
      targeting: {
        if: [
          { sem_ver: [{ var: 'version' }, '=', '1.2.3'] },
          'eq',
          { sem_ver: [{ var: 'version' }, '~', '1.3.0'] },
          'tilde',
          { sem_ver: [{ var: 'version' }, '^', '2.0.0'] },
          'caret',
          { sem_ver: ['1.0.0', '>', { var: 'version' }] },
          'lt',
          { sem_ver: [{ var: 'version' }, '!=', '3.0.0'] },
          'ne',
          null,
        ],
      },
    },
    'bare-semver': {
      state: 'ENABLED',
      variants: { true: 'yes', false: 'no', fallback: 'fallback' },
      defaultVariant: 'fallback',
      targeting: { sem_ver: [{ var: 'version' }, '>=', '1.5.0'] },
    },
    rollout: {
      state: 'ENABLED',
      variants: { on: true, off: false },
      defaultVariant: 'off',
      targeting: {
        fractional: [
          ['on', 25],
          ['off', 75],
        ],
      },
    },
    'targeted-split': {
      state: 'ENABLED',
      variants: { a: 'A', b: 'B', c: 'C' },
      defaultVariant: 'a',
      targeting: {
        if: [
          { $ref: 'staff' },
          'c',
          { in: [{ var: 'plan' }, ['pro']] },
          { fractional: [{ cat: ['seed-1', { var: 'account' }] }, ['b', 1], ['c', 3]] },
          { fractional: [{ cat: ['seed-1', { var: 'account' }] }, ['a', 50], ['b', 50]] },
        ],
      },
    },
    'lifted-buckets': {
      state: 'ENABLED',
      variants: { premium: 'premium', standard: 'standard', fallback: 'fallback' },
      defaultVariant: 'fallback',
      targeting: {
        fractional: [
          { var: 'targetingKey' },
          [{ if: [{ '==': [{ var: 'plan' }, 'pro'] }, 'premium', 'standard'] }, 50],
          ['standard', { if: [{ '==': [{ var: 'plan' }, 'team'] }, 30, 50] }],
        ],
      },
    },
    'any-total-weights': {
      state: 'ENABLED',
      variants: { a: 'A', b: 'B', c: 'C' },
      defaultVariant: 'a',
      targeting: { fractional: [{ var: 'account' }, ['a', 100], ['b', 10], ['c', 7]] },
    },
    'attribute-variant': {
      state: 'ENABLED',
      variants: { red: 'red', green: 'green', blue: 'blue', fallback: 'fallback' },
      defaultVariant: 'fallback',
      targeting: { fractional: [{ var: 'targetingKey' }, [{ var: 'color' }, 50], ['blue', 50]] },
    },
    'missing-ref': {
      state: 'ENABLED',
      variants: { hit: 'hit', miss: 'miss' },
      defaultVariant: 'miss',
      targeting: { if: [{ $ref: 'nobody' }, 'hit', 'miss'] },
    },
    'split-as-condition': {
      state: 'ENABLED',
      variants: { big: 'big', small: 'small' },
      defaultVariant: 'small',
      targeting: {
        if: [
          {
            fractional: [
              [true, 40],
              [false, 60],
            ],
          },
          'big',
          'small',
        ],
      },
    },
    model: {
      state: 'ENABLED',
      variants: { control: { model: 'gpt-4o' }, treatment: { model: 'claude', temperature: 0.2 } },
      defaultVariant: 'control',
      targeting: { if: [{ $ref: 'staff' }, 'treatment', null] },
      metadata: { owner: 'ml-platform', experiment: 7 },
    },
    'no-default': {
      state: 'ENABLED',
      variants: { special: 'CEO', normal: 'CFO' },
      targeting: { if: [{ '==': [{ var: 'plan' }, 'team'] }, 'special'] },
    },
    off: { state: 'DISABLED', variants: { on: 1.5, off: 0.5 }, defaultVariant: 'on' },
  },
};

const FALLBACK: Record<string, boolean | string | number | JsonValue> = {
  membership: -1,
  logic: true,
  rollout: true,
  model: { model: 'fallback' },
  off: -1,
};

function user(i: number): EvaluationContext {
  const ctx: EvaluationContext = { targetingKey: `user-${i}`, account: `acct-${(i * 7919) % 100_003}` };
  if (i % 7 !== 0) ctx.plan = ['free', 'pro', 'team'][i % 3] as string;
  if (i % 5 !== 0) ctx.email = i % 9 === 0 ? `u${i}@acme.com` : `u${i}@mail.example`;
  if (i % 3 !== 0) ctx.age = i % 70;
  if (i % 4 !== 0) ctx.country = ['de', 'us', 'fr', 'jp'][i % 4] as string;
  if (i % 11 !== 0) ctx.version = [`1.2.3`, `1.3.${i % 5}`, `2.${i % 3}.0`, `0.${i % 9}.1`, 'v3.0.0', `3.1.${i % 2}`, 'garbage'][i % 7] as string;
  if (i % 6 !== 0) ctx.color = ['red', 'green', 'blue', 'yellow', 'fallback'][i % 5] as string;
  return ctx;
}

describe('the LocalProvider on a flagd file vs @openfeature/flagd-core on the same file', async () => {
  const core = new FlagdCore();
  core.setConfigurations(JSON.stringify(FLAGD));
  const provider = new LocalProvider({ flags: FLAGD, watch: false });
  await provider.initialize();

  const resolveBoth = async (key: string, ctx: EvaluationContext) => {
    const fallback = FALLBACK[key] ?? 'fallback';
    switch (typeof fallback) {
      case 'boolean':
        return [await provider.resolveBooleanEvaluation(key, fallback, ctx), core.resolveBooleanEvaluation(key, fallback, ctx)];
      case 'number':
        return [await provider.resolveNumberEvaluation(key, fallback, ctx), core.resolveNumberEvaluation(key, fallback, ctx)];
      case 'string':
        return [await provider.resolveStringEvaluation(key, fallback, ctx), core.resolveStringEvaluation(key, fallback, ctx)];
      default:
        return [await provider.resolveObjectEvaluation(key, fallback as JsonValue, ctx), core.resolveObjectEvaluation(key, fallback as never, ctx)];
    }
  };

  it.each(Object.keys(FLAGD.flags))(`%s: the same value, variant and reason for ${USERS.toLocaleString('en')} users`, async (key) => {
    const mismatches: unknown[] = [];
    const values = new Set<string>();
    const errors = new Set<string>();
    for (let i = 0; i < USERS; i++) {
      const ctx = user(i);
      const [local, remote] = (await resolveBoth(key, ctx)) as [Resolution, Resolution];
      const a = { value: local.value, variant: local.variant, reason: local.reason, errorCode: local.errorCode };
      const b = { value: remote.value, variant: remote.variant, reason: remote.reason, errorCode: remote.errorCode };
      if (JSON.stringify(a) !== JSON.stringify(b)) mismatches.push({ user: i, aiflags: a, flagd: b });
      values.add(JSON.stringify(a.value));
      if (a.errorCode !== undefined) errors.add(a.errorCode);
    }
    expect(mismatches.slice(0, 3)).toEqual([]);
    expect(mismatches).toHaveLength(0);
    // Not vacuous: every flag with targeting serves more than one value over these users, or, for the one flagd cannot read, the error.
    if (key === 'missing-ref') expect([...errors]).toEqual(['PARSE_ERROR']);
    else if ((FLAGD.flags as Record<string, { targeting?: unknown }>)[key]?.targeting !== undefined) expect(values.size).toBeGreaterThan(1);
  });

  it('flag and flag-set metadata reach the result', async () => {
    const r = await provider.resolveObjectEvaluation('model', {}, { email: 'x@acme.com' });
    expect(r.flagMetadata).toMatchObject({ owner: 'ml-platform', experiment: 7, team: 'ml', flagSetId: 'parity' });
  });
});
