import { describe, expect, it } from 'vitest';
import type { EvaluationContext } from '@openfeature/server-sdk';
import { translateContext } from '../src/index.js';

describe('translateContext', () => {
  it.each<[string, EvaluationContext, unknown]>([
    ['targetingKey becomes key, kind defaults to user', { targetingKey: 'u1' }, { kind: 'user', key: 'u1' }],
    ['custom attributes are copied', { targetingKey: 'u1', plan: 'pro', age: 40 }, { kind: 'user', key: 'u1', plan: 'pro', age: 40 }],
    ['nested attributes stay nested', { targetingKey: 'u1', account: { plan: 'pro' } }, { kind: 'user', key: 'u1', account: { plan: 'pro' } }],
    ['kind is kept', { targetingKey: 'o1', kind: 'org', name: 'Acme' }, { kind: 'org', key: 'o1', name: 'Acme' }],
    ['key is used when targetingKey is absent', { key: 'u2' }, { kind: 'user', key: 'u2' }],
    ['targetingKey wins over key', { targetingKey: 'u1', key: 'other' }, { kind: 'user', key: 'u1' }],
    ['a missing key becomes the empty key', { plan: 'pro' }, { kind: 'user', key: '', plan: 'pro' }],
    ['an empty kind means user', { targetingKey: 'u1', kind: '' }, { kind: 'user', key: 'u1' }],
    [
      'privateAttributes move into _meta',
      { targetingKey: 'u1', email: 'a@b.c', privateAttributes: ['email', 7 as unknown as string] },
      { kind: 'user', key: 'u1', email: 'a@b.c', _meta: { privateAttributes: ['email'] } },
    ],
    [
      'Dates become ISO strings, also inside arrays and objects',
      { targetingKey: 'u1', signup: new Date(0), list: [new Date(0)], o: { d: new Date(0) } },
      {
        kind: 'user',
        key: 'u1',
        signup: '1970-01-01T00:00:00.000Z',
        list: ['1970-01-01T00:00:00.000Z'],
        o: { d: '1970-01-01T00:00:00.000Z' },
      },
    ],
    [
      'multi-kind: each object attribute is one context',
      {
        kind: 'multi',
        user: { targetingKey: 'u1', plan: 'pro', privateAttributes: ['plan'] },
        org: { key: 'o1', region: 'eu' },
        ignored: 'not a context',
      },
      {
        kind: 'multi',
        user: { kind: 'user', key: 'u1', plan: 'pro', _meta: { privateAttributes: ['plan'] } },
        org: { kind: 'org', key: 'o1', region: 'eu' },
      },
    ],
  ])('%s', (_name, input, expected) => {
    expect(translateContext(input)).toEqual(expected);
  });
});
