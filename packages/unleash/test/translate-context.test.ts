import { describe, expect, it } from 'vitest';
import type { EvaluationContext } from '@openfeature/server-sdk';
import { translateContext } from '../src/index.js';

describe('translateContext', () => {
  it.each<[string, EvaluationContext, object]>([
    ['targetingKey becomes userId', { targetingKey: 'u1' }, { userId: 'u1' }],
    ['a userId attribute is used when there is no targetingKey', { userId: 'u2' }, { userId: 'u2' }],
    ['targetingKey wins over userId', { targetingKey: 'u1', userId: 'u2' }, { userId: 'u1' }],
    ['an empty targetingKey is no user', { targetingKey: '' }, {}],
    [
      'standard fields stay top-level, as strings',
      { sessionId: 's1', remoteAddress: '10.0.0.1', environment: 'production', appName: 'chat' },
      { sessionId: 's1', remoteAddress: '10.0.0.1', environment: 'production', appName: 'chat' },
    ],
    ['currentTime from an ISO string', { currentTime: '2026-01-02T03:04:05.000Z' }, { currentTime: new Date('2026-01-02T03:04:05.000Z') }],
    ['currentTime from epoch ms', { currentTime: 0 }, { currentTime: new Date(0) }],
    ['an invalid currentTime is dropped', { currentTime: 'soon' }, {}],
    ['other attributes become string properties', { plan: 'pro', seats: 50, beta: true }, { properties: { plan: 'pro', seats: '50', beta: 'true' } }],
    [
      'nested objects flatten to the dot paths conditions use',
      { account: { plan: 'pro', owner: { country: 'FR' } } },
      { properties: { 'account.plan': 'pro', 'account.owner.country': 'FR' } },
    ],
    ['arrays become JSON', { tags: ['a', 'b'] }, { properties: { tags: '["a","b"]' } }],
    ['dates become ISO strings', { signedUp: new Date(0) }, { properties: { signedUp: '1970-01-01T00:00:00.000Z' } }],
    ['null is dropped', { plan: null }, {}],
    ['an Unleash-style properties object is merged, not nested', { properties: { plan: 'pro' } }, { properties: { plan: 'pro' } }],
  ])('%s', (_name, input, expected) => {
    expect(translateContext(input)).toEqual(expected);
  });

  it('accepts no context', () => {
    expect(translateContext()).toEqual({});
  });
});
