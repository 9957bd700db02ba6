import { describe, expect, it } from 'vitest';
import { evaluate, FlagConfigError, parseFlags, validateFlags, type EvaluationContext } from '../src/index.js';
import { BAD_FLAG_FILES, fixtureContent } from '@aiflags/testing';
import { VALID_FLAGS_YAML } from '@aiflags/testing';

describe('malformed flag files', () => {
  it('has at least 25 cases', () => {
    expect(BAD_FLAG_FILES.length).toBeGreaterThanOrEqual(25);
  });

  it.each(BAD_FLAG_FILES.map((f) => [f.name, f] as const))('rejects: %s', (_name, fixture) => {
    let error: unknown;
    try {
      parseFlags(fixtureContent(fixture), 'config/flags.yaml');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(FlagConfigError);
    const e = error as FlagConfigError;
    expect(e.code).toBe('PARSE_ERROR');
    expect(e.file).toBe('config/flags.yaml');
    expect(e.message.startsWith('config/flags.yaml: ')).toBe(true);
    expect(e.message).not.toContain('\n');
    if (fixture.expect.flag !== undefined) {
      expect(e.flag).toBe(fixture.expect.flag);
      expect(e.message).toContain(`flag '${fixture.expect.flag}'`);
    }
    if (fixture.expect.field !== undefined) {
      expect(e.field).toBe(fixture.expect.field);
      expect(e.message).toContain(`field '${fixture.expect.field}'`);
    }
    if (fixture.expect.messageIncludes !== undefined) expect(e.message).toContain(fixture.expect.messageIncludes);
  });

  it('formats the message the way the contract shows', () => {
    const text = VALID_FLAGS_YAML.replace('percentage: 5 }', 'percentage: 140 }');
    expect(() => parseFlags(text, 'flags.yaml')).toThrow("flags.yaml: flag 'chat-model', field 'rollout.percentage': expected a number from 0 to 100, got 140");
  });

  it('rejects __proto__ in an object given to validateFlags', () => {
    const obj = JSON.parse('{"flags":{"x":{"variants":{"a":{"__proto__":{"polluted":true}}},"defaultVariant":"a"}}}');
    expect(() => validateFlags(obj, 'inline')).toThrow("flag 'x', field 'variants.a.__proto__'");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('rejects values that are not JSON', () => {
    expect(() => validateFlags({ flags: { x: { enabled: () => true } } }, 'inline')).toThrow(FlagConfigError);
    const cyclic: Record<string, unknown> = { flags: {} };
    cyclic.self = cyclic;
    expect(() => validateFlags(cyclic, 'inline')).toThrow(FlagConfigError);
  });
});

describe('hostile evaluation contexts never throw', () => {
  const set = parseFlags(
    VALID_FLAGS_YAML.replace(
      'conditions: [ { attribute: country, op: not_in, values: [FR] } ]',
      "conditions: [ { attribute: country, op: not_in, values: [FR] }, { attribute: email, op: matches, values: ['^[a-z]+@'] }, { attribute: appVersion, op: semver_gte, values: ['1.2'] }, { attribute: age, op: gt, values: [18] }, { attribute: signupAt, op: before, values: ['2030-01-01'] } ]",
    ),
    'flags.yaml',
  );
  const huge = 'x'.repeat(1024 * 1024);
  const throwing = Object.defineProperty({}, 'targetingKey', {
    get() {
      throw new Error('boom');
    },
  });
  const contexts: [string, unknown][] = [
    ['undefined', undefined],
    ['null', null],
    ['a string', 'user-1'],
    ['a number', 42],
    ['empty object', {}],
    ['targetingKey number', { targetingKey: 12345 }],
    ['targetingKey float', { targetingKey: 1.5 }],
    ['targetingKey object', { targetingKey: { id: 1 } }],
    ['targetingKey array', { targetingKey: ['a'] }],
    ['targetingKey boolean', { targetingKey: true }],
    ['targetingKey empty', { targetingKey: '' }],
    ['1 MB targetingKey', { targetingKey: huge }],
    ['1 MB attributes', { targetingKey: 'u', email: `${huge}@acme.com`, country: huge, appVersion: huge, signupAt: huge }],
    ['odd attribute types', { targetingKey: 'u', email: 5, account: 'pro', country: Symbol('x'), age: {}, signupAt: [] }],
    ['bigint attributes', { targetingKey: 'u', age: 10n, email: 1n }],
    ['__proto__ attribute', JSON.parse('{"targetingKey":"u","__proto__":{"email":"a@acme.com"},"account":{"__proto__":{"plan":"pro"}}}')],
    ['constructor attribute', { targetingKey: 'u', constructor: 'x', account: { constructor: { plan: 'pro' } } }],
    ['null-prototype object', Object.assign(Object.create(null), { targetingKey: 'u', email: 'a@acme.com' })],
    ['getter that throws', throwing],
    [
      'Proxy that throws',
      new Proxy(
        {},
        {
          get: () => {
            throw new Error('trap');
          },
        },
      ),
    ],
    ['deeply nested account', { targetingKey: 'u', account: { plan: { plan: { plan: 'pro' } } } }],
    ['array context', ['a', 'b']],
  ];
  const keys = [...set.flags.keys(), ...set.killSwitches.keys(), 'missing-flag', '__proto__', 'constructor', 'toString'];

  it.each(contexts)('%s', (_name, ctx) => {
    for (const key of keys) {
      const result = evaluate(set, key, ctx as EvaluationContext);
      expect(result.reason).toBeTypeOf('string');
      expect(result.flagMetadata.flagSetId).toBe('chat-app');
      if (result.reason === 'ERROR') expect(result.value).toBeUndefined();
    }
  });

  it('reports a throwing context as GENERAL', () => {
    const r = evaluate(set, 'chat-model', throwing as EvaluationContext);
    expect(r).toMatchObject({ reason: 'ERROR', errorCode: 'GENERAL', value: undefined });
  });

  it('reports a wrongly typed unit as INVALID_CONTEXT and a missing one as TARGETING_KEY_MISSING', () => {
    expect(evaluate(set, 'chat-model', { targetingKey: { id: 1 } } as unknown as EvaluationContext).errorCode).toBe('INVALID_CONTEXT');
    expect(evaluate(set, 'chat-model', {}).errorCode).toBe('TARGETING_KEY_MISSING');
    expect(evaluate(set, 'chat-model', { targetingKey: '' }).errorCode).toBe('TARGETING_KEY_MISSING');
    expect(evaluate(set, 'chat-model', { targetingKey: 7 } as unknown as EvaluationContext).reason).toBe('SPLIT');
  });

  it('treats inherited names as unknown flags', () => {
    for (const key of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      expect(evaluate(set, key, { targetingKey: 'u' }).errorCode).toBe('FLAG_NOT_FOUND');
    }
  });
});
