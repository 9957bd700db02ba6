/**
 * The line reader for plain generated flag files may only answer when it reads what the strict `yaml`
 * path reads; everything outside its small grammar goes to the other readers.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readYamlStrict } from '../src/flags/read-document.js';
import { resolvePlainScalar } from '../src/flags/yaml-fast-path.js';
import { readYamlSimple } from '../src/flags/yaml-simple-path.js';

const read = (text: string) => readYamlSimple(text, resolvePlainScalar);

function agrees(text: string): 'simple' | 'other' {
  const simple = read(text);
  if (simple === undefined) return 'other';
  let strict: unknown;
  try {
    strict = readYamlStrict(text, 'f.yaml');
  } catch (error) {
    throw new Error(`the line reader accepted what the strict path rejects (${(error as Error).message}): ${JSON.stringify(text)}`);
  }
  expect(simple.value, JSON.stringify(text)).toStrictEqual(strict);
  return 'simple';
}

describe('the line reader', () => {
  it('reads a generated flag file, as the strict path does', () => {
    let text = '# generated\nid: big\nversion: 3\nflags:\n';
    for (let i = 0; i < 200; i++) {
      text +=
        i % 10 === 0
          ? `  flag-${i}:\n    description: swap the chat model\n    variants: { control: gpt-4o, treatment: claude-sonnet-4 }\n    defaultVariant: control\n    rollout: { variant: treatment, percentage: 12.5 }\n\n`
          : `  flag-${i}: { enabled: ${i % 2 === 0}, percentage: ${i % 101} }\n`;
    }
    expect(agrees(text)).toBe('simple');
  });

  it.each([
    'a: 0x1F\nb: -0\nc: 1e3\nd: .inf\ne: -.inf\nf: .nan\ng: 0o17\nh: True\ni: FALSE\nj: +12\nk: 1.50\nl: 007\n',
    'a: new prompt for chat\nb: gpt-4o-mini\nc: a - b\nd: v1.2.3\ne: path/to/x\n',
    'a: {}\nb: { }\nc: {x: 1}\nd: { x: 1 , y: two }\n',
    'a:\n  b:\n      c: 1\n  d: 2\ne: 3\n',
    'a: 1   \n\n   \n# note\n  # indented note\nb: 2',
    'a: .\nb: +\nc: -.\nd: 1_000\ne: 0b1\nf: 1.\ng: -.5e3\nh: x -\ni: -x\nj: /\nk: 12e\nl: 0x\nm: --\nn: ---\no: -- x\np: .inf.\n',
  ])('reads %j as the strict path does', (text) => {
    expect(agrees(text)).toBe('simple');
  });

  it.each([
    ['a quoted value', "a: 'x'\n"],
    ['a list', 'a:\n  - 1\n'],
    ['a flow list', 'a: [1, 2]\n'],
    ['a comment after a value', 'a: 1 # one\n'],
    ['an empty value', 'a:\nb: 1\n'],
    ['an empty value at the end', 'a: 1\nb:\n'],
    ['a key that is a boolean', 'true: 1\n'],
    ['a key that is a number', '1: x\n'],
    ['a key that is null', 'null: x\n'],
    ['a prototype key', '__proto__: { a: 1 }\n'],
    ['a duplicate key', 'a: 1\na: 2\n'],
    ['a duplicate flow key', 'a: { x: 1, x: 2 }\n'],
    ['a nested flow mapping', 'a: { x: { y: 1 } }\n'],
    ['a trailing comma', 'a: { x: 1, }\n'],
    ['a flow entry without a space', 'a: { x:1 }\n'],
    ['a sequence-looking value', 'a: - x\n'],
    ['a bare dash', 'a: -\n'],
    ['a bare dash in a flow mapping', 'a: { x: -, y: 1 }\n'],
    ['a continuation line', 'a: one\n  two\n'],
    ['a key under a scalar', 'a: 1\n  b: 2\n'],
    ['odd indentation', 'a:\n    b: 1\n  c: 2\n'],
    ['an indented root', '  a: 1\n'],
    ['a carriage return', 'a: 1\r\nb: 2\r\n'],
    ['a document marker', '---\na: 1\n'],
    ['a tilde', 'a: ~\n'],
    ['a colon in a value', 'a: http://x\n'],
    ['nothing', '# only a comment\n'],
  ])('hands over %s', (_what, text) => {
    expect(read(text)).toBeUndefined();
  });

  it('agrees with the strict path on fuzzed line files', () => {
    const word = fc.constantFrom(
      'a',
      'b',
      'flag-1',
      'x.y',
      '_k',
      'on',
      'off',
      'yes',
      'true',
      'False',
      'null',
      'NULL',
      '1',
      '0x1',
      '1e2',
      '-1',
      '.5',
      'a b',
      'gpt-4o',
      'v1.0',
    );
    const value = fc.oneof(word, fc.constantFrom('{}', '{ a: 1 }', '{ a: true, b: x y }', '{a: on, b: 2.50}', '{ a: - }', '- a', '-', '--', '', '~', "'q'"));
    const line = fc
      .tuple(fc.constantFrom('', '  ', '    ', '   '), word, value, fc.constantFrom('', ' ', '  # c'))
      .map(([indent, key, v, tail]) => `${indent}${key}:${v === '' ? '' : ` ${v}`}${tail}`);
    let simple = 0;
    fc.assert(
      fc.property(fc.array(fc.oneof(line, fc.constant(''), fc.constant('# c')), { minLength: 1, maxLength: 12 }), (lines) => {
        if (agrees(`${lines.join('\n')}\n`) === 'simple') simple++;
      }),
      { seed: 20261203, numRuns: 4000 },
    );
    expect(simple).toBeGreaterThan(40);
  });

  it('agrees with the strict path on fuzzed scalars of its own characters', () => {
    const chars = fc.constantFrom(...'aeinoftxyNTF019_.+/- ');
    const text = fc.string({ unit: chars, minLength: 1, maxLength: 8 });
    let simple = 0;
    fc.assert(
      fc.property(text, text, text, (k, v, w) => {
        if (agrees(`${k}: ${v}\nz: { ${k}: ${w}, q: ${v} }\n`) === 'simple') simple++;
      }),
      { seed: 20261204, numRuns: 5000 },
    );
    expect(simple).toBeGreaterThan(100);
  });
});
