import { describe, expect, it } from 'vitest';
import { translateContext } from '../src/index.js';

describe('translateContext', () => {
  it.each([
    [
      'targetingKey → identifier, attributes → traits',
      { targetingKey: 'u1', plan: 'pro', age: 30, beta: true },
      { identifier: 'u1', traits: { plan: 'pro', age: 30, beta: true } },
    ],
    ['no key: the environment is evaluated', { plan: 'pro' }, { traits: { plan: 'pro' } }],
    ['an empty key is no key', { targetingKey: '', plan: 'pro' }, { traits: { plan: 'pro' } }],
    [
      'a Date becomes ISO text',
      { targetingKey: 'u1', since: new Date('2026-01-02T03:04:05Z') },
      { identifier: 'u1', traits: { since: '2026-01-02T03:04:05.000Z' } },
    ],
    [
      'objects, arrays and non-finite numbers have no trait form',
      { targetingKey: 'u1', org: { id: 'o' }, tags: ['a'], n: Number.NaN },
      { identifier: 'u1', traits: {} },
    ],
  ])('%s', (_name, context, expected) => {
    expect(translateContext(context)).toEqual(expected);
  });
});
