import { describe, expect, it } from 'vitest';
import { evaluate, evaluateTyped, flagTypeOf, parseFlags, validateFlags, type EvaluationContext, type LiveState } from '../src/index.js';
import { VALID_FLAGS_YAML } from '@aiflags/testing';

const set = parseFlags(VALID_FLAGS_YAML, 'flags.yaml');
const meta = { flagSetId: 'chat-app', flagSetVersion: '2026-11-25' };
const live = (partial: Partial<LiveState>): LiveState => ({ version: 1, flags: {}, killSwitches: {}, ...partial });
const beta: EvaluationContext = { targetingKey: 'u-1', email: 'a@acme.com', account: { plan: 'pro' }, country: 'DE' };

/** A user key inside / outside a rollout, found by scanning (the bucket is deterministic). */
function userWhere(key: string, predicate: (variant: string | undefined) => boolean, ctx: EvaluationContext = {}): string {
  for (let i = 0; i < 100_000; i++) {
    const id = `user-${i}`;
    if (predicate(evaluate(set, key, { ...ctx, targetingKey: id }).variant)) return id;
  }
  throw new Error('no such user');
}

describe('reasons', () => {
  it.each([
    ['no rules/rollout/split -> STATIC', 'temperature', { targetingKey: 'u' }, { value: 0.2, variant: 'low', reason: 'STATIC' }],
    ['STATIC needs no targeting key', 'temperature', {}, { value: 0.2, variant: 'low', reason: 'STATIC' }],
    [
      'rule match -> TARGETING_MATCH',
      'chat-model',
      beta,
      { variant: 'treatment', reason: 'TARGETING_MATCH', value: { model: 'claude-sonnet-4', provider: 'anthropic', temperature: 0.7 } },
    ],
    ['rule miss (country) -> rollout SPLIT', 'chat-model', { ...beta, country: 'FR' }, { reason: 'SPLIT' }],
    ['rule miss (segment) -> rollout SPLIT', 'chat-model', { ...beta, email: 'a@other.com' }, { reason: 'SPLIT' }],
    ['split -> SPLIT', 'system-prompt', { targetingKey: 'u' }, { reason: 'SPLIT' }],
    ['shorthand -> SPLIT', 'new_system_prompt', { targetingKey: 'u' }, { reason: 'SPLIT' }],
    ['kill switch on -> STATIC', 'ai_agent_enabled', {}, { value: true, variant: 'on', reason: 'STATIC' }],
    ['unknown flag -> FLAG_NOT_FOUND', 'nope', {}, { value: undefined, reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND' }],
    ['missing unit -> TARGETING_KEY_MISSING', 'system-prompt', {}, { value: undefined, reason: 'ERROR', errorCode: 'TARGETING_KEY_MISSING' }],
  ] as const)('%s', (_name, key, ctx, expected) => {
    expect(evaluate(set, key, ctx as EvaluationContext)).toMatchObject(expected);
  });

  describe('OpenFeature: DEFAULT when targeting matched nothing, STATIC when there is no targeting', () => {
    const s = validateFlags(
      {
        flags: {
          targeted: {
            variants: { a: 'A', b: 'B' },
            defaultVariant: 'a',
            rules: [{ conditions: [{ attribute: 'plan', op: 'in', values: ['pro'] }], variant: 'b' }],
          },
          'targeted-split': {
            variants: { a: 'A', b: 'B' },
            defaultVariant: 'a',
            split: { a: 50, b: 50 },
            rules: [{ conditions: [{ attribute: 'plan', op: 'in', values: ['pro'] }], variant: 'b' }],
          },
          'targeted-off': {
            enabled: false,
            variants: { a: 'A', b: 'B' },
            defaultVariant: 'a',
            rules: [{ conditions: [{ attribute: 'plan', op: 'in', values: ['pro'] }], variant: 'b' }],
          },
          untargeted: { variants: { a: 'A', b: 'B' }, defaultVariant: 'b' },
        },
      },
      'inline',
    );
    it.each([
      ['targeted', { targetingKey: 'u', plan: 'free' }, { value: 'A', variant: 'a', reason: 'DEFAULT' }],
      ['targeted', {}, { value: 'A', variant: 'a', reason: 'DEFAULT' }],
      ['targeted', { plan: 'pro' }, { value: 'B', variant: 'b', reason: 'TARGETING_MATCH' }],
      ['targeted-split', { targetingKey: 'u', plan: 'free' }, { reason: 'SPLIT' }],
      ['targeted-split', { targetingKey: 'u', plan: 'pro' }, { variant: 'b', reason: 'TARGETING_MATCH' }],
      ['targeted-off', { plan: 'pro' }, { variant: 'a', reason: 'DISABLED' }],
      ['untargeted', { targetingKey: 'u', plan: 'pro' }, { value: 'B', variant: 'b', reason: 'STATIC' }],
    ] as const)('%s %j', (key, ctx, expected) => {
      expect(evaluate(s, key, ctx as EvaluationContext)).toMatchObject(expected);
    });
    it('a promoted variant keeps the fallback reason: DEFAULT under targeting, STATIC without', () => {
      const state = live({ flags: { targeted: { variant: 'b' }, untargeted: { variant: 'a' } } });
      expect(evaluate(s, 'targeted', { plan: 'free' }, state)).toMatchObject({ variant: 'b', reason: 'DEFAULT' });
      expect(evaluate(s, 'untargeted', {}, state)).toMatchObject({ variant: 'a', reason: 'STATIC' });
    });
  });

  it('a rule with its own rollout reports TARGETING_MATCH for both outcomes', () => {
    const s = validateFlags(
      {
        flags: {
          f: {
            variants: { a: 'A', b: 'B' },
            defaultVariant: 'a',
            rules: [{ conditions: [{ attribute: 'plan', op: 'in', values: ['pro'] }], rollout: { variant: 'b', percentage: 50 } }],
          },
        },
      },
      'inline',
    );
    const variants = new Set<string | undefined>();
    for (let i = 0; i < 200; i++) {
      const r = evaluate(s, 'f', { targetingKey: `u${i}`, plan: 'pro' });
      expect(r.reason).toBe('TARGETING_MATCH');
      variants.add(r.variant);
    }
    expect(variants).toEqual(new Set(['a', 'b']));
    expect(evaluate(s, 'f', { targetingKey: 'u', plan: 'free' }).reason).toBe('DEFAULT');
  });

  it('a rule with a split reports TARGETING_MATCH', () => {
    const s = validateFlags(
      {
        flags: {
          f: {
            variants: { a: 1, b: 2, c: 3 },
            defaultVariant: 'a',
            rules: [{ conditions: [{ attribute: 'beta', op: 'equals', values: [true] }], split: { b: 50, c: 50 } }],
          },
        },
      },
      'inline',
    );
    expect(evaluate(s, 'f', { targetingKey: 'x', beta: true })).toMatchObject({ reason: 'TARGETING_MATCH' });
    expect(['b', 'c']).toContain(evaluate(s, 'f', { targetingKey: 'x', beta: true }).variant);
  });

  it('rules are ordered: first match wins', () => {
    const s = validateFlags(
      {
        flags: {
          f: {
            variants: { a: 'A', b: 'B', c: 'C' },
            defaultVariant: 'a',
            rules: [
              { name: 'first', conditions: [{ attribute: 'n', op: 'gt', values: [10] }], variant: 'b' },
              { name: 'second', conditions: [{ attribute: 'n', op: 'gt', values: [5] }], variant: 'c' },
            ],
          },
        },
      },
      'inline',
    );
    expect(evaluate(s, 'f', { n: 11 }).variant).toBe('b');
    expect(evaluate(s, 'f', { n: 7 }).variant).toBe('c');
    expect(evaluate(s, 'f', { n: 1 }).variant).toBe('a');
  });

  it('a rule with a segment and no conditions matches the segment alone', () => {
    const s = validateFlags(
      {
        segments: { staff: { conditions: [{ attribute: 'email', op: 'ends_with', values: ['@acme.com'] }] } },
        flags: { f: { variants: { on: true, off: false }, defaultVariant: 'off', rules: [{ segment: 'staff', variant: 'on' }] } },
      },
      'inline',
    );
    expect(evaluate(s, 'f', { email: 'x@acme.com' }).value).toBe(true);
    expect(evaluate(s, 'f', { email: 'x@evil.com' }).value).toBe(false);
  });
});

describe('disabled flags', () => {
  const s = validateFlags(
    {
      flags: {
        off: {
          enabled: false,
          variants: { a: 'A', b: 'B' },
          defaultVariant: 'a',
          offVariant: 'b',
          rules: [{ conditions: [{ attribute: 'x', op: 'in', values: ['1'] }], variant: 'a' }],
        },
        offDefault: { enabled: false, variants: { a: 'A', b: 'B' }, defaultVariant: 'a' },
        shortOff: { enabled: false, percentage: 100 },
      },
    },
    'inline',
  );
  it.each([
    ['serves offVariant with DISABLED, skipping rules', 'off', { value: 'B', variant: 'b', reason: 'DISABLED' }],
    ['offVariant defaults to defaultVariant', 'offDefault', { value: 'A', variant: 'a', reason: 'DISABLED' }],
    ['shorthand enabled: false serves false', 'shortOff', { value: false, variant: 'off', reason: 'DISABLED' }],
  ] as const)('%s', (_n, key, expected) => {
    expect(evaluate(s, key, { x: '1', targetingKey: 'u' })).toMatchObject(expected);
  });
});

describe('the { enabled, percentage } shorthand', () => {
  it('is a boolean flag with variants on/off, default off', () => {
    const flag = set.flags.get('new_system_prompt');
    expect(flag?.type).toBe('boolean');
    expect(flag?.shorthand).toBe(true);
    expect(flag?.definition).toMatchObject({
      variants: { on: true, off: false },
      defaultVariant: 'off',
      offVariant: 'off',
      enabled: true,
      rollout: { variant: 'on', percentage: 10 },
    });
    expect(flag?.written).toEqual({ enabled: true, percentage: 10 });
  });

  it('serves true to about 10 % of users', () => {
    let on = 0;
    for (let i = 0; i < 10_000; i++) if (evaluate(set, 'new_system_prompt', { targetingKey: `u${i}` }).value === true) on++;
    expect(on / 10_000).toBeGreaterThan(0.09);
    expect(on / 10_000).toBeLessThan(0.11);
  });

  it('without a percentage serves true to everyone, without needing a key', () => {
    const s = validateFlags({ flags: { f: { enabled: true } } }, 'inline');
    expect(evaluate(s, 'f', {})).toMatchObject({ value: true, variant: 'on' });
  });

  it('carries a bucketing mode', () => {
    expect(set.flags.get('legacy_flag')?.definition.bucketing.hash).toBe('md5');
  });
});

describe('kill switches', () => {
  it('are on by default with retryAfter 300 s', () => {
    expect(evaluate(set, 'ai_agent_enabled', {})).toEqual({
      value: true,
      variant: 'on',
      reason: 'STATIC',
      errorCode: undefined,
      errorMessage: undefined,
      flagMetadata: { ...meta, killSwitch: true, retryAfter: 300 },
    });
    expect(set.killSwitches.get('web_search_enabled')?.retryAfter).toBe(60);
  });

  it('killed in live state: false, variant killed, DISABLED, with retryAfter and reason', () => {
    const state = live({ killSwitches: { ai_agent_enabled: { killed: true, reason: 'runaway tool loop', at: '2026-11-25T03:00:00Z' } } });
    expect(evaluate(set, 'ai_agent_enabled', {}, state)).toMatchObject({
      value: false,
      variant: 'killed',
      reason: 'DISABLED',
      flagMetadata: { ...meta, killSwitch: true, retryAfter: 300, killReason: 'runaway tool loop' },
    });
    const custom = live({ killSwitches: { web_search_enabled: { killed: true, retryAfter: 30, at: 'x' } } });
    expect(evaluate(set, 'web_search_enabled', {}, custom).flagMetadata.retryAfter).toBe(30);
    expect(evaluate(set, 'web_search_enabled', {}, custom).flagMetadata.killReason).toBeUndefined();
  });

  it('sees a changed reason on the same state object', () => {
    const sw = { killed: true, reason: 'first', at: 'x' };
    const state = live({ killSwitches: { ai_agent_enabled: sw } });
    expect(evaluate(set, 'ai_agent_enabled', {}, state).flagMetadata.killReason).toBe('first');
    sw.reason = 'second';
    expect(evaluate(set, 'ai_agent_enabled', {}, state).flagMetadata.killReason).toBe('second');
    sw.killed = false;
    expect(evaluate(set, 'ai_agent_enabled', {}, state).value).toBe(true);
  });

  it('enabled: false in the file: false, variant off, DISABLED', () => {
    const s = validateFlags({ killSwitches: { k: { enabled: false } } }, 'inline');
    expect(evaluate(s, 'k', {})).toMatchObject({ value: false, variant: 'off', reason: 'DISABLED' });
  });
});

describe('live state overlay', () => {
  const inside = userWhere('chat-model', (v) => v === 'treatment');
  const outside = userWhere('chat-model', (v) => v === 'control');

  it('enabled: false disables the flag', () => {
    const r = evaluate(set, 'chat-model', { targetingKey: inside }, live({ flags: { 'chat-model': { enabled: false } } }));
    expect(r).toMatchObject({ variant: 'control', reason: 'DISABLED' });
  });

  it('enabled: true re-enables a flag disabled in the file', () => {
    const s = validateFlags({ flags: { f: { enabled: false } } }, 'inline');
    expect(evaluate(s, 'f', {}, live({ flags: { f: { enabled: true } } })).value).toBe(true);
  });

  it('percentage replaces the rollout percentage', () => {
    expect(evaluate(set, 'chat-model', { targetingKey: outside }, live({ flags: { 'chat-model': { percentage: 100 } } })).variant).toBe('treatment');
    expect(evaluate(set, 'chat-model', { targetingKey: inside }, live({ flags: { 'chat-model': { percentage: 0 } } })).variant).toBe('control');
  });

  it('percentage applies to the shorthand', () => {
    const r = evaluate(set, 'new_system_prompt', { targetingKey: 'u' }, live({ flags: { new_system_prompt: { percentage: 100 } } }));
    expect(r).toMatchObject({ value: true, reason: 'SPLIT' });
  });

  it('ignores invalid overrides and overrides of other flags', () => {
    for (const percentage of [-1, 101, Number.NaN]) {
      expect(evaluate(set, 'chat-model', { targetingKey: inside }, live({ flags: { 'chat-model': { percentage } } })).variant).toBe('treatment');
    }
    expect(evaluate(set, 'chat-model', { targetingKey: inside }, live({ flags: { other: { enabled: false } } })).variant).toBe('treatment');
    const broken = { version: 1 } as unknown as LiveState;
    expect(evaluate(set, 'chat-model', { targetingKey: inside }, broken).variant).toBe('treatment');
    expect(evaluate(set, 'ai_agent_enabled', {}, broken).value).toBe(true);
  });

  it('does not apply to rules', () => {
    const r = evaluate(set, 'chat-model', beta, live({ flags: { 'chat-model': { percentage: 0 } } }));
    expect(r).toMatchObject({ variant: 'treatment', reason: 'TARGETING_MATCH' });
  });
});

describe('flagMetadata', () => {
  it('carries flagSetId, flagSetVersion and changeType', () => {
    expect(evaluate(set, 'chat-model', { targetingKey: 'u' }).flagMetadata).toEqual({ ...meta, changeType: 'model-swap' });
    expect(evaluate(set, 'temperature', {}).flagMetadata).toEqual(meta);
    expect(evaluate(set, 'nope', {}).flagMetadata).toEqual(meta);
  });

  it('defaults id to the file base name and version to a content hash', () => {
    const s = parseFlags('flags:\n  f: { enabled: true }\n', 'config/my-flags.yaml');
    expect(s.id).toBe('my-flags');
    expect(s.version).toMatch(/^[0-9a-f]{12}$/);
    expect(parseFlags('flags:\n  f: { enabled: true }\n', 'x.yaml').version).toBe(s.version);
    expect(parseFlags('flags:\n  f: { enabled: false }\n', 'x.yaml').version).not.toBe(s.version);
  });
});

describe('results', () => {
  it('always have the same six fields', () => {
    for (const key of ['chat-model', 'temperature', 'nope', 'ai_agent_enabled', 'system-prompt']) {
      for (const ctx of [{ targetingKey: 'u' }, {}]) {
        expect(Object.keys(evaluate(set, key, ctx))).toEqual(['value', 'variant', 'reason', 'errorCode', 'errorMessage', 'flagMetadata']);
      }
    }
  });

  it('are frozen, values included, so a shared result cannot be corrupted', () => {
    const r = evaluate(set, 'chat-model', beta);
    expect(Object.isFrozen(r)).toBe(true);
    expect(Object.isFrozen(r.value)).toBe(true);
    expect(Object.isFrozen(r.flagMetadata)).toBe(true);
  });
});

describe('typed evaluation', () => {
  it.each([
    ['chat-model', 'object'],
    ['system-prompt', 'string'],
    ['temperature', 'number'],
    ['new_system_prompt', 'boolean'],
    ['ai_agent_enabled', 'boolean'],
    ['nope', undefined],
  ] as const)('%s is %s', (key, type) => {
    expect(flagTypeOf(set, key)).toBe(type);
  });

  it('returns TYPE_MISMATCH for the wrong type and the value for the right one', () => {
    expect(evaluateTyped(set, 'temperature', 'string', {})).toMatchObject({ reason: 'ERROR', errorCode: 'TYPE_MISMATCH', value: undefined });
    expect(evaluateTyped(set, 'temperature', 'number', {})).toMatchObject({ reason: 'STATIC', value: 0.2 });
    expect(evaluateTyped(set, 'nope', 'number', {}).errorCode).toBe('FLAG_NOT_FOUND');
  });
});
