import { describe, expect, it } from 'vitest';
import { fmt, signed } from '../src/gate/format.js';

describe('fmt and signed', () => {
  it('print the rounding of a sum that is 0 as 0, not as 5.55e-17', () => {
    const mean = 0.1 + 0.2 - 0.3;
    expect(mean).not.toBe(0);
    expect(fmt(mean)).toBe('0');
    expect(signed(mean)).toBe('0');
    expect(signed(-mean)).toBe('0');
  });

  it('keep small real values, signs and 3 significant digits', () => {
    expect(fmt(1e-9)).toBe('1.00e-9');
    expect(signed(0.000123)).toBe('+1.23e-4');
    expect(signed(-0.5)).toBe('−0.5');
    expect(fmt(2 / 3)).toBe('0.667');
    expect(fmt(Infinity)).toBe('∞');
  });
});
