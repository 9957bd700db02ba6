import { describe, expect, it } from 'vitest';
import { evaluate, FlagConfigError, parseFlags, parseStrictDate, toEpochMs } from '../src/index.js';
import { compileCondition } from '../src/rules/condition.js';

const iso = (ms: number) => new Date(ms).toISOString();

// [input, the instant it names]
const accepted: [string, string][] = [
  ['2026-01-01T00:00:00Z', '2026-01-01T00:00:00.000Z'],
  ['2026-01-01t00:00:00z', '2026-01-01T00:00:00.000Z'],
  ['2026-01-01T09:30:00+05:30', '2026-01-01T04:00:00.000Z'],
  ['2026-01-01T00:00:00-07:00', '2026-01-01T07:00:00.000Z'],
  ['2026-01-01T00:00:00-00:00', '2026-01-01T00:00:00.000Z'],
  ['2026-01-01T00:00:00+23:59', '2025-12-31T00:01:00.000Z'],
  ['2026-01-01T00:00:00.5Z', '2026-01-01T00:00:00.500Z'],
  ['2026-01-01T00:00:00.25Z', '2026-01-01T00:00:00.250Z'],
  ['2026-01-01T00:00:00.123Z', '2026-01-01T00:00:00.123Z'],
  ['2026-01-01T00:00:00.123999999Z', '2026-01-01T00:00:00.123Z'],
  ['2024-02-29T12:00:00Z', '2024-02-29T12:00:00.000Z'],
  ['2000-02-29T00:00:00Z', '2000-02-29T00:00:00.000Z'],
  ['2026-01-01', '2026-01-01T00:00:00.000Z'],
  ['2024-02-29', '2024-02-29T00:00:00.000Z'],
  ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00.000Z'],
  ['0099-12-31T00:00:00Z', '0099-12-31T00:00:00.000Z'],
  ['1969-12-31T23:59:59.999Z', '1969-12-31T23:59:59.999Z'],
  ['9999-12-31T23:59:59Z', '9999-12-31T23:59:59.000Z'],
  // Leap seconds (RFC 3339 §5.7): the instant after 23:59:59 UTC, as POSIX time counts it.
  ['1998-12-31T23:59:60Z', '1999-01-01T00:00:00.000Z'],
  ['2016-12-31T23:59:60.5Z', '2017-01-01T00:00:00.500Z'],
  ['2015-06-30T23:59:60Z', '2015-07-01T00:00:00.000Z'],
  ['1998-12-31T15:59:60-08:00', '1999-01-01T00:00:00.000Z'],
];

const rejected: string[] = [
  'March 7, 2020',
  '00:00:00.000-07.00',
  '2026-01-01T00:00:00',
  '2026-01-01T00:00:00.000',
  '2026-01-01 00:00:00Z',
  '2026-01-01T00:00Z',
  '2026-01-01T00:00:00+0530',
  '2026-01-01T00:00:00+05',
  '2026-01-01T00:00:00-07.00',
  '2026-01-01T00:00:00+24:00',
  '2026-01-01T00:00:00+05:60',
  '2026-01-01T00:00:00.Z',
  '2026-01-01T00:00:00,5Z',
  '2026-01-01T24:00:00Z',
  '2026-01-01T23:60:00Z',
  '2026-01-01T23:59:61Z',
  '2026-01-01T12:30:60Z',
  '1998-12-30T23:59:60Z',
  '1998-12-31T23:59:60+01:00',
  '2023-02-29T00:00:00Z',
  '1900-02-29',
  '2026-04-31',
  '2026-13-01',
  '2026-00-10',
  '2026-01-00',
  '2026-1-1',
  '20260101',
  '2026-01-01TZ',
  '+002026-01-01T00:00:00Z',
  ' 2026-01-01T00:00:00Z',
  '2026-01-01T00:00:00Z ',
  '2026-01-01T00:00:00Zjunk',
  '1700000000000',
  'Thu, 01 Jan 2026 00:00:00 GMT',
  '2026',
  '',
  `2026-01-01T00:00:00.${'0'.repeat(60)}Z`,
];

describe('parseStrictDate', () => {
  it.each(accepted)('%s is %s', (input, instant) => {
    expect(iso(parseStrictDate(input))).toBe(instant);
  });

  it.each(rejected)('%j is no date', (input) => {
    expect(parseStrictDate(input)).toBeNaN();
  });

  it('agrees with Date.parse on every accepted form Date.parse reads the same way', () => {
    for (const [input] of accepted) {
      if (input.includes(':60')) continue;
      expect(parseStrictDate(input), input).toBe(Date.parse(input.toUpperCase()));
    }
  });
});

describe('toEpochMs', () => {
  it.each([
    [1_700_000_000_000, 1_700_000_000_000],
    [0, 0],
    [-1, -1],
    [new Date(Date.UTC(2030, 0, 1)), Date.UTC(2030, 0, 1)],
    ['2026-01-01T00:00:00Z', Date.UTC(2026, 0, 1)],
  ])('%j -> %d', (input, ms) => {
    expect(toEpochMs(input)).toBe(ms);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, true, null, {}, '1700000000000', new Date('x')])('%j is no date', (input) => {
    expect(toEpochMs(input)).toBeNaN();
  });
});

describe('before / after with strict dates', () => {
  const before = compileCondition({ attribute: 'at', op: 'before', values: ['2021-01-01T00:00:00Z'] }, (_f, m) => {
    throw new Error(m);
  });

  it.each([
    ['March 7, 2020', false],
    ['00:00:00.000-07.00', false],
    ['2020-03-07T00:00:00', false],
    ['2020-03-07T00:00:00Z', true],
    ['2020-03-07t00:00:00z', true],
    ['2020-12-31T23:59:59.999Z', true],
    ['2021-01-01T05:29:59+05:30', true],
    ['2021-01-01T05:30:00+05:30', false],
    ['2021-01-01T00:00:00Z', false],
  ] as const)('%s matches: %s', (at, expected) => {
    expect(before({ at })).toBe(expected);
  });

  it('a rule value that is not a strict date is a FlagConfigError naming file, flag and field', () => {
    const text = JSON.stringify({
      flags: {
        launch: {
          variants: { on: true, off: false },
          defaultVariant: 'off',
          rules: [{ conditions: [{ attribute: 'at', op: 'after', values: ['2026-01-01T00:00:00Z', 'March 7, 2020'] }], variant: 'on' }],
        },
      },
    });
    let error: unknown;
    try {
      parseFlags(text, 'dates.json');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(FlagConfigError);
    expect(error).toMatchObject({ file: 'dates.json', flag: 'launch', field: 'rules[0].conditions[0].values[1]' });
    expect((error as Error).message).toContain('"March 7, 2020"');
  });

  it('evaluation treats a loose attribute as no match, not an error', () => {
    const set = parseFlags(
      JSON.stringify({
        flags: {
          launch: {
            variants: { on: true, off: false },
            defaultVariant: 'off',
            rules: [{ conditions: [{ attribute: 'at', op: 'after', values: ['2000-01-01T00:00:00Z'] }], variant: 'on' }],
          },
        },
      }),
      'dates.json',
    );
    expect(evaluate(set, 'launch', { at: '00:00:00.000-07.00' })).toMatchObject({ value: false, variant: 'off' });
    expect(evaluate(set, 'launch', { at: '2000-01-01T07:00:00Z' })).toMatchObject({ value: true, variant: 'on' });
  });
});
