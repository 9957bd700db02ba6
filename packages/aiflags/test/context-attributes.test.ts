import { describe, expect, it } from 'vitest';
import { contextFromLine, parseAttributes } from '../src/cli/context-attributes.js';

describe('--attr k=v', () => {
  it.each([
    [['plan=pro'], { plan: 'pro' }],
    [['age=42', 'score=-1.5', 'big=1e3'], { age: 42, score: -1.5, big: 1000 }],
    [['beta=true', 'legacy=false'], { beta: true, legacy: false }],
    [['account.plan=pro', 'account.seats=5'], { account: { plan: 'pro', seats: 5 } }],
    [['email=a=b@x.com'], { email: 'a=b@x.com' }],
    [['version=1.2.3', 'zip=01234x'], { version: '1.2.3', zip: '01234x' }],
    [['empty='], { empty: '' }],
  ])('%j -> %j', (pairs, expected) => {
    expect(parseAttributes(pairs)).toEqual(expected);
  });

  it.each([['novalue'], ['=x'], ['__proto__.polluted=1'], ['a..b=1'], ['constructor=1']])('rejects %s', (pair) => {
    expect(() => parseAttributes([pair])).toThrow(`--attr ${pair}`);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('a users-file line', () => {
  const base = { plan: 'free' };
  it.each([
    ['user-1', { user: 'user-1', context: { plan: 'free', targetingKey: 'user-1' } }],
    ['  user-2  ', { user: 'user-2', context: { plan: 'free', targetingKey: 'user-2' } }],
    ['{"targetingKey":"u3","plan":"pro"}', { user: 'u3', context: { plan: 'pro', targetingKey: 'u3' } }],
    ['{"id":7,"country":"FR"}', { user: '7', context: { plan: 'free', id: 7, country: 'FR', targetingKey: '7' } }],
    ['', undefined],
  ])('%j', (line, expected) => {
    expect(contextFromLine(line, base, 1, 'users.txt')).toEqual(expected);
  });

  it.each([
    ['{"targetingKey": ', 'users.txt:4: not a user id or a JSON object'],
    ['{"plan":"pro"}', 'users.txt:4: the JSON object has no targetingKey, key, id or user'],
  ])('rejects %s naming file and line', (line, message) => {
    expect(() => contextFromLine(line, base, 4, 'users.txt')).toThrow(message);
  });
});
