/**
 * The hand check of shorthand flags may only answer when zod accepts the flag, and must then give zod's
 * object: same fields, same values, same key order. Fuzzed over the shorthand's fields with values of
 * every type, near the bounds, and unknown fields.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ShorthandFlagSchema } from '../src/flags/schema.js';
import { checkShorthandFast } from '../src/flags/shorthand-fast-path.js';

const value = fc.oneof(
  fc.string(),
  fc.boolean(),
  fc.constantFrom(0, -0, 100, 100.0001, -0.0001, 37.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e-9),
  fc.double(),
  fc.constantFrom(undefined, null, 'model-swap', 'system-prompt', 'parameter', 'model-config', 'Model-Swap', ''),
  fc.constantFrom({}, [], { hash: 'md5' }, { hash: 'nope' }, [true]),
);
const field = fc.constantFrom('description', 'owner', 'changeType', 'kind', 'bucketing', 'enabled', 'percentage', 'variants', 'enable', 'rules', '');
const flag = fc.dictionary(field, value, { maxKeys: 6 });

function agrees(raw: Record<string, unknown>): 'fast' | 'zod' {
  const fast = checkShorthandFast(raw);
  const zod = ShorthandFlagSchema.safeParse(raw);
  if (fast === undefined) return 'zod';
  expect(zod.success, JSON.stringify(raw)).toBe(true);
  expect(fast).toStrictEqual(zod.data);
  expect(Object.keys(fast)).toEqual(Object.keys(zod.data!));
  return 'fast';
}

describe('checkShorthandFast', () => {
  it('answers for the common shorthand flags, in the schema order', () => {
    expect(agrees({ percentage: 10, enabled: true })).toBe('fast');
    expect(agrees({ enabled: false })).toBe('fast');
    expect(agrees({})).toBe('fast');
    expect(agrees({ percentage: 0, owner: 'ml', description: 'd', changeType: 'parameter', kind: 'model-config', enabled: undefined })).toBe('fast');
  });

  it('hands over what zod refuses or what it does not check itself', () => {
    for (const raw of [
      { percentage: 101 },
      { percentage: Number.NaN },
      { enabled: 'yes' },
      { changeType: 'other' },
      { extra: 1 },
      { bucketing: { hash: 'md5' } },
    ]) {
      expect(checkShorthandFast(raw), JSON.stringify(raw)).toBeUndefined();
    }
  });

  it('agrees with zod on fuzzed flags', () => {
    let fast = 0;
    fc.assert(
      fc.property(flag, (raw) => {
        if (agrees(raw) === 'fast') fast++;
      }),
      { seed: 20261203, numRuns: 3000 },
    );
    expect(fast).toBeGreaterThan(50);
  });
});
