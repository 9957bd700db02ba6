import { describe, expect, it } from 'vitest';
import { evaluate, HASH_MODES, validateFlags, type FlagSet, type HashMode } from '../src/index.js';

const USERS = 100_000;
const users = Array.from({ length: USERS }, (_, i) => `user-${i}`);

function setFor(hash: HashMode): FlagSet {
  const bucketing = { hash };
  return validateFlags(
    {
      flags: {
        rollout: { enabled: true, percentage: 10, bucketing },
        split: { variants: { a: 'A', b: 'B', c: 'C' }, defaultVariant: 'a', split: { a: 33, b: 33, c: 34 }, bucketing },
      },
    },
    `${hash}.yaml`,
  );
}

describe.each(HASH_MODES.map((h) => [h]))('%s over 100,000 users', (hash) => {
  const set = setFor(hash);

  it('a 10 % rollout treats 9.6-10.4 %', () => {
    let on = 0;
    for (const id of users) if (evaluate(set, 'rollout', { targetingKey: id }).value === true) on++;
    const share = (on / USERS) * 100;
    expect(share).toBeGreaterThanOrEqual(9.6);
    expect(share).toBeLessThanOrEqual(10.4);
  });

  it('raising 1 % -> 5 % -> 10 % -> 50 % keeps every one of 20,000 users who had the treatment', () => {
    const live = (percentage: number) => ({ version: 1, flags: { rollout: { percentage } }, killSwitches: {} });
    let treated = new Set<string>();
    for (const percentage of [1, 5, 10, 50]) {
      const now = new Set(users.slice(0, 20_000).filter((id) => evaluate(set, 'rollout', { targetingKey: id }, live(percentage)).value === true));
      for (const id of treated) expect(now.has(id)).toBe(true);
      expect(now.size).toBeGreaterThan(treated.size);
      treated = now;
    }
  });

  it('a 33/33/34 split lands within half a point of each weight', () => {
    const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
    for (const id of users) {
      const v = evaluate(set, 'split', { targetingKey: id }).variant as string;
      counts[v] = (counts[v] ?? 0) + 1;
    }
    expect(Math.abs(((counts.a ?? 0) / USERS) * 100 - 33)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(((counts.b ?? 0) / USERS) * 100 - 33)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(((counts.c ?? 0) / USERS) * 100 - 34)).toBeLessThanOrEqual(0.5);
  });
});

describe('murmur3 resolution', () => {
  it('a 0.01 % rollout treats about 10 in 100,000', () => {
    const set = validateFlags({ flags: { f: { enabled: true, percentage: 0.01 } } }, 'x');
    let on = 0;
    for (const id of users) if (evaluate(set, 'f', { targetingKey: id }).value === true) on++;
    expect(on).toBeGreaterThan(0);
    expect(on).toBeLessThan(30);
  });
});
