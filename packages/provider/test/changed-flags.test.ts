import { describe, expect, it } from 'vitest';
import { validateFlags } from '@aiflags/core';
import { changedFlags } from '../src/index.js';

const base = {
  segments: { staff: { conditions: [{ attribute: 'email', op: 'ends_with', values: ['@acme.com'] }] } },
  flags: {
    a: { variants: { x: 1, y: 2 }, defaultVariant: 'x' },
    b: { enabled: true, percentage: 10 },
    c: { variants: { on: true, off: false }, defaultVariant: 'off', rules: [{ segment: 'staff', variant: 'on' }] },
  },
  killSwitches: { k: {} },
};
const set = (edit: (f: typeof base) => void) => {
  const copy = structuredClone(base);
  edit(copy);
  return validateFlags(copy, 'flags');
};

describe('changedFlags', () => {
  it.each([
    ['nothing changed', () => set(() => {}), []],
    ['a percentage changed', () => set((f) => (f.flags.b.percentage = 20)), ['b']],
    ['a flag added', () => set((f) => Object.assign(f.flags, { d: { enabled: true, percentage: 1 } })), ['d']],
    ['a flag removed', () => set((f) => delete (f.flags as Record<string, unknown>).a), ['a']],
    ['a kill switch changed', () => set((f) => (f.killSwitches.k = { retryAfter: 60 } as never)), ['k']],
    ['a segment changed: every flag may be affected', () => set((f) => (f.segments.staff.conditions[0]!.values = ['@acme.org'])), ['a', 'b', 'c']],
  ])('%s', (_name, next, expected) => {
    expect(
      changedFlags(
        set(() => {}),
        next(),
      ).sort(),
    ).toEqual(expected);
  });

  it('everything is new when there was no set before', () => {
    expect(
      changedFlags(
        undefined,
        set(() => {}),
      ).sort(),
    ).toEqual(['a', 'b', 'c', 'k']);
  });
});
