/**
 * The fast YAML reader may only answer when it reads what the strict `yaml` path reads: checked on every
 * hostile fixture, on YAML constructs each reader might take differently, and on fuzzed YAML text.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { readYamlStrict } from '../src/flags/read-document.js';
import { readYamlFast } from '../src/flags/yaml-fast-path.js';
import { BAD_FLAG_FILES } from '@aiflags/testing';
import { VALID_FLAGS_YAML } from '@aiflags/testing';

const SEED = 20261202;

/** The fast reader either hands over (undefined) or returns exactly what the strict path accepts. */
function agrees(text: string): 'fast' | 'strict' {
  const fast = readYamlFast(text);
  if (fast === undefined) return 'strict';
  let strict: unknown;
  try {
    strict = readYamlStrict(text, 'f.yaml');
  } catch (error) {
    throw new Error(`the fast path accepted what the strict path rejects (${(error as Error).message}): ${JSON.stringify(text)}`);
  }
  expect(fast.value, JSON.stringify(text)).toStrictEqual(strict);
  return 'fast';
}

describe('the fast YAML reader', () => {
  it('reads the valid fixture itself', () => {
    expect(agrees(VALID_FLAGS_YAML)).toBe('fast');
  });

  it.each(BAD_FLAG_FILES.filter((f) => typeof f.content === 'string').map((f) => [f.name, f.content as string]))(
    'agrees with the strict path or hands over: %s',
    (_name, text) => {
      agrees(text);
    },
  );

  it.each([
    ['null key', '~: 1\n'],
    ['empty key', ': 1\n'],
    ['merge key', 'a: &b {x: 1}\nc:\n  <<: *b\n'],
    ['quoted merge key', '"<<": 1\n'],
    ['alias', 'a: &x {b: 1}\nc: *x\n'],
    ['flow-map key', '{a: 1}: 2\n'],
    ['flow-seq key', '? [a, b]\n: 1\n'],
    ['YAML 1.1 directive', '%YAML 1.1\n---\na: off\n'],
    ['explicit int tag', 'a: !!int 0x10\n'],
    ['explicit bool tag on a string', 'a: !!bool "true"\n'],
    ['unknown tag', 'a: !foo 1\n'],
    ['duplicate keys 1 and "1"', '"1": a\n1: b\n'],
    ['key over 1024 characters', `${'k'.repeat(1100)}: 1\n`],
  ])('hands over when in doubt: %s', (_name, text) => {
    expect(agrees(text)).toBe('strict');
  });

  it.each([
    ['YAML 1.1 words stay strings', 'a: [off, on, yes, no, y, n]\n'],
    ['sexagesimal stays a string', 'a: 0:30\n'],
    ['underscored numbers stay strings', 'a: [1_000, 0b101, 1_0.5]\n'],
    ['core numbers', 'a: [0o17, 0x1F, +12, -0, .5, 1., 1e3, -.inf, .NaN, 1e400]\n'],
    ['core null and bool spellings', 'a: [~, null, Null, NULL, true, True, TRUE, False, ""]\nb:\n'],
    ['numeric and boolean keys', '1: a\ntrue: b\n0x10: c\n1.5: d\n'],
    ['block scalars', 'a: |\n  line 1\n  line 2\nb: >-\n  folded\n  text\n'],
    ['quoted escapes', "a: \"\\x41\\u00e9\\n\"\nb: 'it''s'\n"],
    ['comments and a leading document marker', '--- # c\n# c\na: b # c\n'],
  ])('reads what the strict path reads: %s', (_name, text) => {
    expect(agrees(text)).toBe('fast');
  });

  // Each property below found cases the fast reader took differently until DIFFERS in yaml-fast-path.ts listed them.
  const piece = fc.constantFrom(
    'a',
    'b',
    '1',
    '0x1F',
    '0o7',
    '1_0',
    '.5',
    '1e3',
    '~',
    'null',
    'true',
    'off',
    '<<',
    '&x',
    '*x',
    '!!str',
    '!!int',
    '!t',
    ': ',
    ':',
    ' ',
    '  ',
    '\n',
    '\n  ',
    '\n- ',
    '- ',
    '  - ',
    '{',
    '}',
    '[',
    ']',
    ',',
    '"',
    "'",
    '#',
    '|',
    '>',
    '|-',
    '>+',
    '? ',
    '---',
    '...',
    '%YAML 1.1',
    '%',
    '\t',
    '\\',
    '\r\n',
    '\r',
    'é',
    '\u2028',
    '\ufeff',
    '\x85',
    '"a\\"b"',
    '-1',
    '+.inf',
    '0:30',
    '\n\n',
    '@',
    '`',
  );

  it('agrees on fuzzed YAML text', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
        agrees(pieces.join(''));
      }),
      { seed: SEED, numRuns: 10_000 },
    );
  });

  it('agrees on mutations of the valid file and on documents the yaml library writes', () => {
    const mutated = fc
      .array(fc.tuple(fc.nat(VALID_FLAGS_YAML.length), fc.nat(3), fc.array(piece, { maxLength: 3 })), { minLength: 1, maxLength: 4 })
      .map((edits) => edits.reduce((t, [at, cut, add]) => t.slice(0, at) + add.join('') + t.slice(at + cut), VALID_FLAGS_YAML));
    const written = fc
      .tuple(fc.jsonValue(), fc.constantFrom('PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE', 'BLOCK_LITERAL', 'BLOCK_FOLDED'), fc.boolean())
      .map(([value, defaultStringType, flow]) => stringify({ root: value, 'a key': value }, { defaultStringType, collectionStyle: flow ? 'flow' : 'block' }));
    let fast = 0;
    fc.assert(
      fc.property(fc.oneof(mutated, written), (text) => {
        if (agrees(text) === 'fast') fast++;
      }),
      { seed: SEED, numRuns: 5_000 },
    );
    // The property means something only if the fast reader answers often.
    expect(fast).toBeGreaterThan(1_000);
  });
});
