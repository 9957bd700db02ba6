import { describe, expect, it } from 'vitest';
import { isoTime } from '../src/background/iso-time.js';

describe('isoTime', () => {
  it('formats as Date#toISOString does, within a second, across seconds and for fractional ms', () => {
    const base = Date.UTC(2026, 11, 4, 23, 59, 59, 0);
    const times = [
      base,
      base + 1,
      base + 9,
      base + 10,
      base + 99,
      base + 100,
      base + 999,
      base + 1000,
      base + 1000.7,
      0,
      86_400_000 - 1,
      base - 1,
      -0.5,
      -1000.5,
    ];
    for (let i = 0; i < 1000; i++) times.push(base + Math.random() * 5_000);
    for (const ms of times) expect(isoTime(ms)).toBe(new Date(ms).toISOString());
  });

  it('leaves dates outside years 0-9999 to Date', () => {
    const far = Date.UTC(12_000, 0, 1, 0, 0, 0, 5);
    expect(isoTime(far)).toBe(new Date(far).toISOString());
    expect(isoTime(far + 3)).toBe(new Date(far + 3).toISOString());
  });
});
