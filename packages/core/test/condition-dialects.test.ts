import { describe, expect, it } from 'vitest';
import { evaluate, HASH_MODES, parseFlags } from '../src/index.js';

const AIFLAGS_MODES = HASH_MODES.filter((m) => m !== 'launchdarkly' && m !== 'unleash');

/** A flag in `hash` mode per segment-and-condition case, all sharing one segment. */
function file(hash: string): string {
  return JSON.stringify({
    segments: { paid: { conditions: [{ attribute: 'plan', op: 'not_in', values: ['free'] }] } },
    flags: {
      segment: { variants: { y: 'y', n: 'n' }, defaultVariant: 'n', rules: [{ segment: 'paid', variant: 'y' }], bucketing: { hash } },
      numeric: {
        variants: { y: 'y', n: 'n' },
        defaultVariant: 'n',
        rules: [{ conditions: [{ attribute: 'age', op: 'gte', values: [18] }], variant: 'y' }],
        bucketing: { hash },
      },
      indexed: {
        variants: { y: 'y', n: 'n' },
        defaultVariant: 'n',
        rules: [{ conditions: [{ attribute: 'tags.0', op: 'equals', values: ['beta'] }], variant: 'y' }],
        bucketing: { hash },
      },
      inverted: {
        variants: { y: 'y', n: 'n' },
        defaultVariant: 'n',
        rules: [{ conditions: [{ attribute: 'model', op: 'starts_with', values: ['GPT'], inverted: true, caseInsensitive: true }], variant: 'y' }],
        bucketing: { hash },
      },
      rollout: { enabled: true, percentage: 100, bucketing: { hash, by: 'accountId' } },
    },
  });
}

const CONTEXTS = {
  'no plan': ['segment', {}],
  'age "21"': ['numeric', { age: '21' }],
  'tags [beta]': ['indexed', { tags: ['beta'] }],
  'model gpt-4o': ['inverted', { model: 'gpt-4o' }],
  'no model': ['inverted', {}],
  'no accountId': ['rollout', {}],
} as const;

/** What each context gets: aiflags' answer in murmur3, md5 and flagd modes, the vendor's in its own. */
const EXPECTED: Record<string, Record<keyof typeof CONTEXTS, unknown>> = {
  aiflags: { 'no plan': 'n', 'age "21"': 'y', 'tags [beta]': 'y', 'model gpt-4o': 'n', 'no model': 'n', 'no accountId': true },
  launchdarkly: { 'no plan': 'n', 'age "21"': 'n', 'tags [beta]': 'n', 'model gpt-4o': 'n', 'no model': 'n', 'no accountId': true },
  unleash: { 'no plan': 'y', 'age "21"': 'y', 'tags [beta]': 'y', 'model gpt-4o': 'n', 'no model': 'y', 'no accountId': 'TARGETING_KEY_MISSING' },
};

describe.each([...AIFLAGS_MODES.map((m) => [m, 'aiflags']), ['launchdarkly', 'launchdarkly'], ['unleash', 'unleash']])(
  'hash %s reads conditions as %s',
  (hash, dialect) => {
    const set = parseFlags(file(hash), 'dialects.json');
    it.each(Object.entries(CONTEXTS))('%s', (name, [flag, ctx]) => {
      const result = evaluate(set, flag, { targetingKey: 'u1', ...ctx });
      expect(result.errorCode ?? result.value).toBe(EXPECTED[dialect]?.[name as keyof typeof CONTEXTS]);
    });
  },
);

describe('inverted and caseInsensitive', () => {
  it('inverted in is not_in, in every mode', () => {
    for (const hash of HASH_MODES) {
      const set = parseFlags(
        JSON.stringify({
          flags: {
            f: {
              variants: { y: 'y', n: 'n' },
              defaultVariant: 'n',
              rules: [{ conditions: [{ attribute: 'plan', op: 'in', values: ['free'], inverted: true }], variant: 'y' }],
              bucketing: { hash },
            },
          },
        }),
        'f.json',
      );
      expect([
        evaluate(set, 'f', { plan: 'free' }).value,
        evaluate(set, 'f', { plan: 'pro' }).value,
        evaluate(set, 'f', { plan: ['pro', 'free'] }).value,
      ]).toEqual(['n', 'y', 'n']);
    }
  });

  it('caseInsensitive folds both sides of string operators and matches', () => {
    const set = parseFlags(
      JSON.stringify({
        flags: {
          ends: {
            variants: { y: 'y', n: 'n' },
            defaultVariant: 'n',
            rules: [{ conditions: [{ attribute: 'email', op: 'ends_with', values: ['@ACME.com'], caseInsensitive: true }], variant: 'y' }],
          },
          regex: {
            variants: { y: 'y', n: 'n' },
            defaultVariant: 'n',
            rules: [{ conditions: [{ attribute: 'model', op: 'matches', values: ['^gpt-4'], caseInsensitive: true }], variant: 'y' }],
          },
        },
      }),
      'f.json',
    );
    expect(evaluate(set, 'ends', { email: 'Bo@acme.COM' }).value).toBe('y');
    expect(evaluate(set, 'ends', { email: 'bo@acme.co' }).value).toBe('n');
    expect(evaluate(set, 'regex', { model: 'GPT-4o' }).value).toBe('y');
  });

  it('caseInsensitive on an operator that does not compare strings is refused, naming file, flag and field', () => {
    const text = JSON.stringify({
      flags: {
        f: {
          variants: { y: 'y', n: 'n' },
          defaultVariant: 'n',
          rules: [{ conditions: [{ attribute: 'plan', op: 'in', values: ['pro'], caseInsensitive: true }], variant: 'y' }],
        },
      },
    });
    expect(() => parseFlags(text, 'f.json')).toThrow(/^f\.json: flag 'f', field 'rules\[0\]\.conditions\[0\]\.caseInsensitive'.*not to in$/);
  });
});
