import { describe, expect, it } from 'vitest';
import { validateFlags } from '@aiflags/core';
import { expectedShares } from '../src/impact/expected-shares.js';

function flagOf(split: Record<string, number>, hash = 'murmur3') {
  const flag = validateFlags({ flags: { f: { variants: { a: 'A', b: 'B' }, defaultVariant: 'a', split, bucketing: { hash } } } }, 'flags.json').flags.get('f');
  if (flag === undefined) throw new Error('flag f not compiled');
  return flag;
}

describe('expectedShares', () => {
  it('is the split itself when its percents sum to 100', () => {
    expect(expectedShares(flagOf({ a: 33.333, b: 66.667 }))).toEqual({ a: 33.333, b: 66.667 });
  });

  it("scales a flagd-mode split's relative weights (flagd's integer weights, any total) to percents", () => {
    const shares = expectedShares(flagOf({ a: 100, b: 10 }, 'flagd')) as Record<string, number>;
    expect(shares.a).toBeCloseTo(90.909, 3);
    expect(shares.b).toBeCloseTo(9.091, 3);
  });
});
