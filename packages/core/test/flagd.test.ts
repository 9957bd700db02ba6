import fc from 'fast-check';
import { RE2JS } from 're2js';
import { describe, expect, it } from 'vitest';
import { notEndingWith, notStartingWith } from '../src/flagd/affix-complement.js';
import { flagdBucket } from '../src/bucketing/bucket-functions.js';
import { CODE_DEFAULT_VARIANT, evaluate, exportToFlagd, FlagConfigError, isFlagdDocument, parseFlags, validateFlags } from '../src/index.js';

const flagd = (targeting: unknown, variants: Record<string, unknown> = { a: 'A', b: 'B' }) => ({
  $schema: 'https://flagd.dev/schema/v0/flags.json',
  flags: { f: { state: 'ENABLED', variants, defaultVariant: 'a', targeting } },
  $evaluators: { staff: { ends_with: [{ var: 'email' }, '@acme.com'] } },
});

function refusal(doc: unknown): FlagConfigError {
  try {
    validateFlags(doc, 'flags.flagd.json');
  } catch (error) {
    if (error instanceof FlagConfigError) return error;
    throw error;
  }
  throw new Error('expected a FlagConfigError');
}

describe('flagd documents', () => {
  it('are recognised by $schema or a .flagd.json name, and only so', () => {
    expect(isFlagdDocument({ $schema: 'https://flagd.dev/schema/v0/flags.json' }, 'flags.json')).toBe(true);
    expect(isFlagdDocument({ flags: {} }, 'config/flags.flagd.json')).toBe(true);
    expect(isFlagdDocument({ $schema: '../core/flags.schema.json', flags: {} }, 'flags.json')).toBe(false);
    // An aiflags JSON file keeps its meaning: `enabled` is not a flagd field.
    expect(parseFlags('{"flags":{"f":{"enabled":true,"percentage":100}}}', 'flags.json').flags.get('f')?.definition.enabled).toBe(true);
  });

  it.each([
    [
      'an unknown operator',
      { if: [{ some: [{ var: 'tags' }, { '==': [{ var: '' }, 'x'] }] }, 'b', null] },
      'targeting.if[0].some',
      "the JSON Logic operator 'some' has no aiflags equivalent",
    ],
    ['a bare negation', { if: [{ '!': { in: [{ var: 'plan' }, ['pro']] } }, 'b', null] }, 'targeting.if[0].!', "also matches a context without 'plan'"],
    ['!= without a presence test', { if: [{ '!=': [{ var: 'plan' }, 'pro'] }, 'b', null] }, 'targeting.if[0].!=', "also matches a context without 'plan'"],
    ['< that a missing attribute matches', { if: [{ '<': [{ var: 'age' }, 18] }, 'b', null] }, 'targeting.if[0].<', "flagd compares a missing 'age' as 0"],
    ['an undefined variant', { if: [{ $ref: 'staff' }, 'c', null] }, 'targeting.if[1]', "variant 'c', which is not defined"],
    [
      'a variant in two buckets apart',
      {
        fractional: [
          ['a', 1],
          ['b', 2],
          ['a', 1],
        ],
      },
      'targeting.fractional[2][0]',
      "variant 'a' has two buckets apart",
    ],
    [
      'two seeds in one flag',
      {
        if: [
          { $ref: 'staff' },
          {
            fractional: [
              ['a', 1],
              ['b', 1],
            ],
          },
          { fractional: [{ var: 'account' }, ['a', 1], ['b', 1]] },
        ],
      },
      'targeting.if[2].fractional',
      'an aiflags flag buckets one way',
    ],
    ['an unusable seed', { fractional: [{ cat: [{ var: 'a' }, { var: 'b' }] }, ['a', 1], ['b', 1]] }, 'targeting.fractional[0]', 'has no aiflags equivalent'],
  ])('refuses %s, naming file, flag and field', (_what, targeting, field, message) => {
    const error = refusal(flagd(targeting));
    expect(error).toMatchObject({ file: 'flags.flagd.json', flag: 'f', field });
    expect(error.message).toContain(message);
  });

  it('loads a flag whose $ref names no evaluator as one answering PARSE_ERROR, naming file, flag and field; the rest of the file serves', () => {
    const doc = flagd({ if: [{ $ref: 'nobody' }, 'b', null] });
    const set = validateFlags({ ...doc, flags: { ...doc.flags, g: { state: 'ENABLED', variants: { on: true }, defaultVariant: 'on' } } }, 'flags.flagd.json');
    expect(evaluate(set, 'f', {})).toMatchObject({
      value: undefined,
      reason: 'ERROR',
      errorCode: 'PARSE_ERROR',
      errorMessage: "flags.flagd.json: flag 'f', field 'targeting.if[0].$ref': $ref 'nobody' names no evaluator in $evaluators; evaluators are: staff",
    });
    expect(evaluate(set, 'g', {})).toMatchObject({ value: true, variant: 'on' });
  });

  it('keeps the aiflags format strict: its variants cannot take the reserved error names', () => {
    const error = (() => {
      try {
        validateFlags({ flags: { f: { variants: { a: 'A', 'flagd.parse-error': 'B' }, defaultVariant: 'a' } } }, 'flags.json');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(FlagConfigError);
    expect(error).toMatchObject({ file: 'flags.json', flag: 'f', field: 'variants.flagd.parse-error' });
  });

  it('splits over flagd integer weights of any total, as flagd buckets (hash × total) >> 32', () => {
    const set = validateFlags(
      flagd({
        fractional: [
          ['a', 100],
          ['b', 10],
        ],
      }),
      'x.flagd.json',
    );
    expect(set.flags.get('f')?.definition.bucketing.hash).toBe('flagd');
    for (let i = 0; i < 2000; i++) {
      const unit = `user-${i}`;
      const expected = flagdBucket('f', unit, 110) < 100 ? 'a' : 'b';
      expect(evaluate(set, 'f', { targetingKey: unit }).variant).toBe(expected);
    }
  });

  it('serves the variant a fractional bucket names by attribute: the default (reason DEFAULT) when the attribute is missing, GENERAL when it names no variant', () => {
    const set = validateFlags(flagd({ fractional: [{ var: 'id' }, [{ var: 'color' }, 1], ['b', 0]] }, { a: 'A', b: 'B', c: 'C' }), 'x.flagd.json');
    expect(evaluate(set, 'f', { id: 'u', color: 'c' })).toMatchObject({ value: 'C', variant: 'c' });
    expect(evaluate(set, 'f', { id: 'u', color: 'b' })).toMatchObject({ value: 'B', variant: 'b' });
    expect(evaluate(set, 'f', { id: 'u' })).toMatchObject({ value: 'A', variant: 'a', reason: 'DEFAULT' });
    expect(evaluate(set, 'f', { id: 'u', color: 'yellow' })).toMatchObject({ value: undefined, errorCode: 'GENERAL', reason: 'ERROR' });
  });

  it('refuses fields flagd does not have and states it does not know', () => {
    expect(refusal({ ...flagd(null), flags: { f: { state: 'ON', variants: { a: 1 }, defaultVariant: 'a' } } })).toMatchObject({ flag: 'f', field: 'state' });
    expect(refusal({ ...flagd(null), flags: { f: { state: 'ENABLED', variants: { a: 1 }, defaultVariant: 'a', rollout: 5 } } })).toMatchObject({
      flag: 'f',
      field: 'rollout',
    });
  });

  it('serves the caller default for a missing defaultVariant through the reserved variant', () => {
    const set = validateFlags({ flags: { f: { state: 'ENABLED', variants: { on: true, off: false } } } }, 'x.flagd.json');
    expect(evaluate(set, 'f', {})).toMatchObject({ variant: CODE_DEFAULT_VARIANT });
    expect(exportToFlagd(set).data.flags.f).toEqual({ state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: null });
  });

  it('sem_ver ~ is the same major and minor, pre-releases included, as in flagd', () => {
    const set = validateFlags(flagd({ if: [{ sem_ver: [{ var: 'v' }, '~', '1.2.0'] }, 'b', 'a'] }), 'x.flagd.json');
    expect(evaluate(set, 'f', { v: '1.2.9' }).variant).toBe('b');
    expect(evaluate(set, 'f', { v: '1.2.0-rc.1' }).variant).toBe('b');
    expect(evaluate(set, 'f', { v: '1.3.0-0' }).variant).toBe('a');
    expect(evaluate(set, 'f', { v: '1.1.9' }).variant).toBe('a');
  });
});

describe('the false of a bare starts_with / ends_with', () => {
  const text = fc.array(fc.constantFrom('a', 'b', '\n', '😀', '.', '*', ']', '^', '\\'), { maxLength: 6 }).map((a) => a.join(''));

  it('matches exactly the strings that do not start or end with the text (fast-check, seed 7)', () => {
    fc.assert(
      fc.property(
        text.filter((t) => t.length > 0),
        text,
        (affix, s) => {
          expect(RE2JS.compile(notStartingWith(affix) as string).test(s)).toBe(!s.startsWith(affix));
          expect(RE2JS.compile(notEndingWith(affix) as string).test(s)).toBe(!s.endsWith(affix));
        },
      ),
      { seed: 7, numRuns: 5000 },
    );
  });

  it('serves "false" for such a string and the default for a number, as flagd does', () => {
    const set = validateFlags(flagd({ ends_with: [{ var: 'id' }, 'xyz'] }, { true: 'T', false: 'F', a: 'A' }), 'x.flagd.json');
    expect(evaluate(set, 'f', { id: 'abcxyz' }).variant).toBe('true');
    expect(evaluate(set, 'f', { id: 'abcxy' }).variant).toBe('false');
    expect(evaluate(set, 'f', { id: 123 })).toMatchObject({ variant: 'a', reason: 'DEFAULT' });
  });
});
