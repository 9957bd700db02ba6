/**
 * The shorthand `{ enabled, percentage }` compiles on its own fast path (most flags of a big file are
 * shorthand); it must give what the same flag written in full form gives: definition (key order
 * included), evaluation results and error messages.
 */
import { describe, expect, it } from 'vitest';
import { evaluate, FlagConfigError, parseFlags, validateFlags } from '../src/index.js';

const meta = { description: 'new prompt', owner: 'ml-team', changeType: 'system-prompt' } as const;

function fullForm(short: { enabled?: boolean; percentage?: number; bucketing?: object }): object {
  const { enabled, percentage, bucketing } = short;
  return {
    ...meta,
    ...(bucketing !== undefined ? { bucketing } : {}),
    variants: { on: true, off: false },
    defaultVariant: 'off',
    offVariant: 'off',
    enabled: enabled ?? true,
    rollout: { variant: 'on', percentage: percentage ?? 100 },
  };
}

const cases = [{}, { enabled: false }, { percentage: 37.5 }, { enabled: true, percentage: 0 }, { percentage: 20, bucketing: { hash: 'md5', salt: 's' } }];

describe('a shorthand flag compiles as its full form', () => {
  it.each(cases)('%j', (short) => {
    // Two sets under one key: the key is the default salt.
    const shortSet = validateFlags({ version: 1, flags: { x: { ...meta, ...short } } }, 'f.yaml');
    const fullSet = validateFlags({ version: 1, flags: { x: fullForm(short) } }, 'f.yaml');
    const a = shortSet.flags.get('x')!;
    const b = fullSet.flags.get('x')!;
    expect(a.shorthand).toBe(true);
    expect(b.shorthand).toBe(false);
    expect(JSON.stringify(a.definition)).toBe(JSON.stringify(b.definition));
    expect(Object.isFrozen(a.definition) && Object.isFrozen(a.definition.rollout) && Object.isFrozen(a.definition.bucketing)).toBe(true);
    expect(a.type).toBe(b.type);
    for (const targetingKey of ['u1', 'u2', 'u3', 'u4', 'u5', 'u6']) {
      expect(evaluate(shortSet, 'x', { targetingKey })).toEqual(evaluate(fullSet, 'x', { targetingKey }));
    }
  });

  it('refuses a percentage off the hash mode step with the full form message, at rollout.percentage', () => {
    const error = (flag: object): FlagConfigError => {
      try {
        validateFlags({ flags: { x: flag } }, 'f.yaml');
      } catch (e) {
        return e as FlagConfigError;
      }
      throw new Error('accepted');
    };
    const short = error({ percentage: 12.5, bucketing: { hash: 'md5' } });
    expect(short.message).toBe(error(fullForm({ percentage: 12.5, bucketing: { hash: 'md5' } })).message);
    expect(short.flag).toBe('x');
    expect(short.field).toBe('rollout.percentage');
    expect(short.message).toContain('nearest: 13');
  });

  it('checks a model-config shorthand like the full form does', () => {
    expect(() => parseFlags('flags:\n  m: { kind: model-config, enabled: true }\n', 'm.yaml')).toThrow(FlagConfigError);
  });
});
