/**
 * The live overrides that end or narrow a prompt test: `variant` serves one variant where the top level
 * would split (aiflags promote), `droppedVariants` takes arms out of a split. Units of the remaining arms
 * keep their variant; a dropped arm's units are re-split in proportion to the remaining weights.
 */
import { describe, expect, it } from 'vitest';
import { evaluate, parseFlags, type LiveState } from '../src/index.js';

const FILE = `
flags:
  system-prompt:
    changeType: system-prompt
    variants: { helpful: "Be helpful.", concise: "Be brief.", expert: "Be an expert." }
    defaultVariant: helpful
    split: { helpful: 50, concise: 25, expert: 25 }
    rules:
      - name: staff
        conditions: [{ attribute: email, op: ends_with, values: ["@acme.com"] }]
        variant: expert
`;
const live = (flags: LiveState['flags']): LiveState => ({ version: 1, flags, killSwitches: {} });
const N = 20_000;
const users = Array.from({ length: N }, (_, i) => `user-${i}`);

describe.each(['murmur3', 'md5', 'launchdarkly', 'unleash', 'flagd', 'flagsmith'] as const)('bucketing %s', (hash) => {
  const set = parseFlags(FILE.replace('    changeType: system-prompt', `    changeType: system-prompt\n    bucketing: { hash: ${hash} }`), 'flags.yaml');
  const variantOf = (u: string, state?: LiveState) => evaluate(set, 'system-prompt', { targetingKey: u }, state).variant;

  it('a dropped arm: every unit of the remaining arms keeps its variant; its units split 2:1 over the rest', () => {
    const state = live({ 'system-prompt': { droppedVariants: ['concise'] } });
    const moved = { helpful: 0, expert: 0, concise: 0 };
    for (const u of users) {
      const before = variantOf(u)!;
      const after = variantOf(u, state)! as keyof typeof moved;
      if (before !== 'concise') expect(after).toBe(before);
      else moved[after]++;
    }
    const total = moved.helpful + moved.expert;
    expect(moved.concise).toBe(0);
    // helpful:expert = 50:25 of the re-split; binomial sd of the share at n ≈ 5,000 is ~0.7 %: 4 sd.
    expect(Math.abs(moved.helpful / total - 2 / 3)).toBeLessThan(0.03);
  });

  it('promoted: everyone the rules do not match gets the variant, DEFAULT (targeting matched nothing); the rules still apply', () => {
    const state = live({ 'system-prompt': { variant: 'concise' } });
    for (const u of users.slice(0, 500)) {
      const r = evaluate(set, 'system-prompt', { targetingKey: u }, state);
      expect([r.variant, r.reason]).toEqual(['concise', 'DEFAULT']);
    }
    expect(evaluate(set, 'system-prompt', { targetingKey: 'x', email: 'a@acme.com' }, state).variant).toBe('expert');
  });
});

describe('hostile overrides change nothing they should not', () => {
  const set = parseFlags(FILE, 'flags.yaml');
  it('an unknown promoted variant, a non-list or every arm dropped leaves the split as it is', () => {
    for (const o of [
      { variant: 'nope' },
      { variant: '__proto__' },
      { droppedVariants: 'concise' },
      { droppedVariants: ['helpful', 'concise', 'expert'] },
      { droppedVariants: [7] },
    ]) {
      const state = live({ 'system-prompt': o as never });
      for (const u of users.slice(0, 300))
        expect(evaluate(set, 'system-prompt', { targetingKey: u }, state).variant).toBe(evaluate(set, 'system-prompt', { targetingKey: u }).variant);
    }
  });
});
