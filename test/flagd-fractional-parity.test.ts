/**
 * `bucketing: { hash: flagd }` against flagd's own evaluator: each aiflags flag beside the flagd flag a
 * flagd user would write for it (`fractional`, integer weights, the flag key or a salt as the seed), in
 * `@openfeature/flagd-core`, for 10,000 users: the same variant every time.
 */
import { describe, expect, it } from 'vitest';
import { evaluate, murmur3, parseFlags } from '@aiflags/core';
import { FlagdCore } from '@openfeature/flagd-core';

const USERS = 10_000;

const AIFLAGS = `
flags:
  new_prompt: { enabled: true, percentage: 10, bucketing: { hash: flagd } }
  system-prompt:
    variants: { a: "A", b: "B", c: "C" }
    defaultVariant: a
    split: { a: 33, b: 33, c: 34 }
    bucketing: { hash: flagd }
  fine-split:
    variants: { a: 1, b: 2, c: 3 }
    defaultVariant: a
    split: { c: 12.345, a: 50, b: 37.655 }
    bucketing: { hash: flagd }
  salted:
    variants: { control: "gpt-4o", treatment: "claude" }
    defaultVariant: control
    rollout: { variant: treatment, percentage: 37.5 }
    bucketing: { hash: flagd, salt: chat-model-v2 }
  by-account:
    variants: { x: "X", y: "Y" }
    defaultVariant: x
    split: { x: 25, y: 75 }
    bucketing: { hash: flagd, by: account.id }
  targeted:
    variants: { a: "A", b: "B", c: "C" }
    defaultVariant: a
    split: { a: 50, b: 50 }
    rules:
      - conditions: [{ attribute: plan, op: in, values: [pro] }]
        split: { b: 20, c: 80 }
    bucketing: { hash: flagd }
`;

const variants = (names: string[], values: unknown[]) => Object.fromEntries(names.map((n, i) => [n, values[i]]));
const byKey = (seed: unknown, unit: unknown) => ({ cat: [seed, unit] });

/** The same flags as flagd writes them. */
const FLAGD = {
  flags: {
    new_prompt: {
      state: 'ENABLED',
      variants: { on: true, off: false },
      defaultVariant: 'off',
      targeting: {
        fractional: [
          ['on', 10],
          ['off', 90],
        ],
      },
    },
    'system-prompt': {
      state: 'ENABLED',
      variants: variants(['a', 'b', 'c'], ['A', 'B', 'C']),
      defaultVariant: 'a',
      targeting: {
        fractional: [
          ['a', 33],
          ['b', 33],
          ['c', 34],
        ],
      },
    },
    'fine-split': {
      state: 'ENABLED',
      variants: variants(['a', 'b', 'c'], [1, 2, 3]),
      defaultVariant: 'a',
      targeting: {
        fractional: [
          ['c', 12345],
          ['a', 50000],
          ['b', 37655],
        ],
      },
    },
    salted: {
      state: 'ENABLED',
      variants: { control: 'gpt-4o', treatment: 'claude' },
      defaultVariant: 'control',
      targeting: {
        fractional: [byKey('chat-model-v2', { var: 'targetingKey' }), ['treatment', 375], ['control', 625]],
      },
    },
    'by-account': {
      state: 'ENABLED',
      variants: { x: 'X', y: 'Y' },
      defaultVariant: 'x',
      targeting: {
        fractional: [byKey({ var: '$flagd.flagKey' }, { var: 'account.id' }), ['x', 1], ['y', 3]],
      },
    },
    targeted: {
      state: 'ENABLED',
      variants: variants(['a', 'b', 'c'], ['A', 'B', 'C']),
      defaultVariant: 'a',
      targeting: {
        if: [
          { in: [{ var: 'plan' }, ['pro']] },
          {
            fractional: [
              ['b', 20],
              ['c', 80],
            ],
          },
          {
            fractional: [
              ['a', 50],
              ['b', 50],
            ],
          },
        ],
      },
    },
  },
};

const KINDS = {
  new_prompt: 'boolean',
  'system-prompt': 'string',
  'fine-split': 'number',
  salted: 'string',
  'by-account': 'string',
  targeted: 'string',
} as const;

function user(i: number) {
  return { targetingKey: `user-${i}`, account: { id: `acct-${(i * 7919) % 100_003}` }, plan: i % 3 === 0 ? 'pro' : 'free' };
}

function resolveFlagd(core: FlagdCore, key: keyof typeof KINDS, ctx: ReturnType<typeof user>) {
  switch (KINDS[key]) {
    case 'boolean':
      return core.resolveBooleanEvaluation(key, false, ctx);
    case 'number':
      return core.resolveNumberEvaluation(key, -1, ctx);
    default:
      return core.resolveStringEvaluation(key, '?', ctx);
  }
}

describe('flagd mode vs @openfeature/flagd-core', () => {
  const set = parseFlags(AIFLAGS, 'flags.yaml');
  const flagd = new FlagdCore();
  flagd.setConfigurations(JSON.stringify(FLAGD));

  it.each(Object.keys(KINDS) as (keyof typeof KINDS)[])(`%s: 0 mismatches over ${USERS.toLocaleString('en')} users`, (key) => {
    const mismatches: unknown[] = [];
    const counts = new Map<unknown, number>();
    for (let i = 0; i < USERS; i++) {
      const ctx = user(i);
      const local = evaluate(set, key, ctx);
      const remote = resolveFlagd(flagd, key, ctx);
      if (local.variant !== remote.variant || local.value !== remote.value)
        mismatches.push({ user: ctx.targetingKey, local: local.variant, flagd: remote.variant });
      counts.set(local.variant, (counts.get(local.variant) ?? 0) + 1);
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
    expect(mismatches).toHaveLength(0);
    // Not vacuous: every variant the flag can serve is served.
    expect(counts.size).toBe(key === 'new_prompt' || key === 'salted' || key === 'by-account' ? 2 : 3);
  });

  it('the comparison catches a difference: the same split in murmur3 mode moves most users', () => {
    const murmur = parseFlags(
      AIFLAGS.replace('split: { a: 33, b: 33, c: 34 }\n    bucketing: { hash: flagd }', 'split: { a: 33, b: 33, c: 34 }'),
      'murmur.yaml',
    );
    let moved = 0;
    for (let i = 0; i < 1000; i++) {
      if (evaluate(murmur, 'system-prompt', user(i)).variant !== flagd.resolveStringEvaluation('system-prompt', '?', user(i)).variant) moved++;
    }
    expect(moved).toBeGreaterThan(500);
  });

  it('raising a rollout keeps every treated user (bucket over a fixed 100,000 total)', () => {
    const at = (p: number) => parseFlags(`flags:\n  f: { enabled: true, percentage: ${p}, bucketing: { hash: flagd } }`, 'f.yaml');
    const low = at(5);
    const high = at(12.5);
    for (let i = 0; i < USERS; i++) if (evaluate(low, 'f', user(i)).value === true) expect(evaluate(high, 'f', user(i)).value).toBe(true);
  });

  it('hashes UTF-8 like flagd in Go; flagd-core in JavaScript (imurmurhash) differs on non-ASCII units', () => {
    const seeded = parseFlags(
      'flags:\n  s:\n    variants: { a: 1, b: 2 }\n    defaultVariant: a\n    split: { a: 50, b: 50 }\n    bucketing: { hash: flagd, salt: "" }\n',
      's.yaml',
    );
    // With an empty seed the unit alone is hashed: bucket = (murmur3(utf8(unit)) * 100000) >> 32.
    const units = Array.from({ length: 200 }, (_, i) => `über-${i}`);
    for (const unit of [...units, 'ππππ', '😀-user', 'plain']) {
      const expected = Math.floor((murmur3(unit) * 100_000) / 2 ** 32) < 50_000 ? 'a' : 'b';
      expect(evaluate(seeded, 's', { targetingKey: unit }).variant, unit).toBe(expected);
    }
    const js = new FlagdCore();
    js.setConfigurations(
      JSON.stringify({
        flags: {
          s: { state: 'ENABLED', variants: { a: 1, b: 2 }, defaultVariant: 'a', targeting: { fractional: [{ var: 'targetingKey' }, ['a', 1], ['b', 1]] } },
        },
      }),
    );
    const differing = units.filter(
      (u) => js.resolveNumberEvaluation('s', -1, { targetingKey: u }).variant !== evaluate(seeded, 's', { targetingKey: u }).variant,
    );
    expect(differing.length).toBeGreaterThan(0);
    expect(js.resolveNumberEvaluation('s', -1, { targetingKey: 'plain' }).variant).toBe(evaluate(seeded, 's', { targetingKey: 'plain' }).variant);
  });
});
