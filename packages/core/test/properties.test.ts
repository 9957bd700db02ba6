import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate, HASH_MODES, validateFlags, type EvaluationContext, type HashMode, type LiveState } from '../src/index.js';

const unit = fc.oneof(fc.string({ minLength: 1 }), fc.string({ unit: 'grapheme', minLength: 1 }), fc.uuid());
/** A percent the mode can express: 0.001 % steps for murmur3/launchdarkly, whole percents for md5/unleash. */
const percent = (hash: HashMode) =>
  hash === 'md5' || hash === 'unleash' ? fc.integer({ min: 0, max: 100 }) : fc.integer({ min: 0, max: 100_000 }).map((n) => n / 1000);
const live = (percentage: number): LiveState => ({ version: 1, flags: { f: { percentage } }, killSwitches: {} });

describe.each(HASH_MODES.map((h) => [h]))('%s', (hash) => {
  const set = validateFlags(
    {
      flags: {
        f: {
          variants: { control: 'c', treatment: 't' },
          defaultVariant: 'control',
          rollout: { variant: 'treatment', percentage: 5 },
          bucketing: { hash, salt: 'prop' },
        },
        s: { variants: { a: 1, b: 2, c: 3 }, defaultVariant: 'a', split: { a: 20, b: 30, c: 50 }, bucketing: { hash } },
        byAttr: { enabled: true, percentage: 50, bucketing: { hash, by: 'account.id' } },
      },
    },
    'props.yaml',
  );

  it('raising the percentage never moves a treated unit out', () => {
    fc.assert(
      fc.property(unit, percent(hash), percent(hash), (id, p1, p2) => {
        const [low, high] = p1 <= p2 ? [p1, p2] : [p2, p1];
        const before = evaluate(set, 'f', { targetingKey: id }, live(low)).variant;
        const after = evaluate(set, 'f', { targetingKey: id }, live(high)).variant;
        if (before === 'treatment') expect(after).toBe('treatment');
        if (after === 'control') expect(before).toBe('control');
      }),
      { numRuns: 2000 },
    );
  });

  it('the same unit always gets the same variant (sticky), whatever else is in the context', () => {
    fc.assert(
      fc.property(unit, fc.dictionary(fc.string(), fc.jsonValue()), (id, extra) => {
        const ctx: EvaluationContext = { ...extra, targetingKey: id };
        const first = evaluate(set, 's', ctx);
        expect(evaluate(set, 's', { targetingKey: id }).variant).toBe(first.variant);
        expect(evaluate(set, 's', ctx)).toBe(first);
      }),
      { numRuns: 1000 },
    );
  });

  it('buckets by any attribute: the same account gets the same value whatever the user', () => {
    fc.assert(
      fc.property(unit, unit, unit, (account, u1, u2) => {
        const a = evaluate(set, 'byAttr', { targetingKey: u1, account: { id: account } });
        const b = evaluate(set, 'byAttr', { targetingKey: u2, account: { id: account } });
        expect(a.value).toBe(b.value);
      }),
      { numRuns: 500 },
    );
  });

  it('an integer unit buckets like its decimal string', () => {
    fc.assert(
      fc.property(fc.integer(), (n) => {
        expect(evaluate(set, 's', { targetingKey: n } as unknown as EvaluationContext).variant).toBe(evaluate(set, 's', { targetingKey: String(n) }).variant);
      }),
      { numRuns: 300 },
    );
  });
});

describe('evaluation never throws', () => {
  const set = validateFlags(
    {
      flags: {
        f: {
          variants: { a: 'A', b: 'B' },
          defaultVariant: 'a',
          rules: [
            { conditions: [{ attribute: 'x.y', op: 'semver_gt', values: ['1.0.0'] }], variant: 'b' },
            { conditions: [{ attribute: 'x', op: 'matches', values: ['^a.*z$'] }], variant: 'b' },
            { conditions: [{ attribute: 'x', op: 'after', values: ['2020-01-01'] }], variant: 'b' },
          ],
          split: { a: 50, b: 50 },
        },
      },
    },
    'x',
  );
  it('for any JSON context', () => {
    fc.assert(
      fc.property(fc.anything(), (ctx) => {
        const r = evaluate(set, 'f', ctx as EvaluationContext);
        expect(['SPLIT', 'TARGETING_MATCH', 'ERROR']).toContain(r.reason);
      }),
      { numRuns: 2000 },
    );
  });
});
