import { describe, expect, it } from 'vitest';
import { translateResult } from '../src/index.js';
import type { FlagValueType } from '@openfeature/server-sdk';
import type { FeatureShape, UnleashVariant } from '../src/index.js';

const rollout = (percent: number, extra: Record<string, unknown> = {}) => ({
  name: 'flexibleRollout',
  parameters: { rollout: String(percent), stickiness: 'default', groupId: 'f' },
  ...extra,
});
const on = (strategies: FeatureShape['strategies']): FeatureShape => ({ enabled: true, strategies });
const STATIC = on([rollout(100)]);
const SPLIT = on([rollout(10)]);
const TARGETED = on([rollout(100, { constraints: [{}] }), rollout(100)]);

const matched = (name: string, payload?: UnleashVariant['payload']): UnleashVariant => ({
  name,
  enabled: true,
  feature_enabled: true,
  ...(payload ? { payload } : {}),
});
const enabledNoVariant: UnleashVariant = { name: 'disabled', enabled: false, feature_enabled: true };
const unmatched: UnleashVariant = { name: 'disabled', enabled: false, feature_enabled: false };
const json = (value: string) => ({ type: 'json', value });

describe('translateResult: booleans', () => {
  it.each([
    ['an unconstrained 100 % strategy is STATIC', STATIC, enabledNoVariant, { value: true, variant: 'on', reason: 'STATIC' }],
    ['a partial rollout that includes the user is SPLIT', SPLIT, enabledNoVariant, { value: true, variant: 'on', reason: 'SPLIT' }],
    ['a partial rollout that leaves the user out is SPLIT, false', SPLIT, unmatched, { value: false, variant: 'off', reason: 'SPLIT' }],
    ['a constrained strategy that matched is TARGETING_MATCH', TARGETED, enabledNoVariant, { value: true, reason: 'TARGETING_MATCH' }],
    ['no constrained strategy matched: DEFAULT, false', on([rollout(100, { segments: [1] })]), unmatched, { value: false, reason: 'DEFAULT' }],
    ['a strategy variant names the variant', STATIC, matched('treatment'), { value: true, variant: 'treatment' }],
    ['a disabled feature is false, DISABLED', { enabled: false, strategies: [] }, unmatched, { value: false, reason: 'DISABLED' }],
    ['a feature without strategies is on', on([]), enabledNoVariant, { value: true, reason: 'STATIC' }],
  ])('%s', (_name, feature, variant, expected) => {
    expect(translateResult(feature, variant, 'boolean', true, 'f')).toMatchObject(expected);
  });
});

describe('translateResult: variants and payloads', () => {
  it.each<[string, FlagValueType, UnleashVariant, unknown, Record<string, unknown>]>([
    [
      'a string payload',
      'string',
      matched('a', { type: 'string', value: 'You are helpful.' }),
      'dflt',
      { value: 'You are helpful.', variant: 'a', reason: 'STATIC' },
    ],
    ['a csv payload is text', 'string', matched('a', { type: 'csv', value: 'x,y' }), 'dflt', { value: 'x,y' }],
    ['a string flag without payload serves the variant name', 'string', matched('blue'), 'dflt', { value: 'blue', variant: 'blue' }],
    ['a JSON string payload for a string flag', 'string', matched('a', json('"hi"')), 'dflt', { value: 'hi' }],
    ['a number payload', 'number', matched('low', { type: 'number', value: '0.2' }), 1, { value: 0.2, variant: 'low' }],
    ['a JSON number payload', 'number', matched('low', json('7')), 1, { value: 7 }],
    ['a JSON object payload', 'object', matched('t', json('{"model":"claude-sonnet-4"}')), {}, { value: { model: 'claude-sonnet-4' } }],
    ['a JSON array is object-typed', 'object', matched('t', json('[1,2]')), {}, { value: [1, 2] }],
    [
      'a number payload that is not a number',
      'number',
      matched('x', { type: 'number', value: 'abc' }),
      1,
      { value: 1, errorCode: 'PARSE_ERROR', variant: 'x' },
    ],
    ['an empty number payload', 'number', matched('x', { type: 'number', value: ' ' }), 1, { value: 1, errorCode: 'PARSE_ERROR' }],
    ['JSON that does not parse', 'object', matched('x', json('{"model":')), { d: 1 }, { value: { d: 1 }, errorCode: 'PARSE_ERROR', reason: 'ERROR' }],
    ['a string payload for a number flag', 'number', matched('x', { type: 'string', value: '3' }), 1, { value: 1, errorCode: 'TYPE_MISMATCH' }],
    ['a number payload for an object flag', 'object', matched('x', { type: 'number', value: '3' }), {}, { value: {}, errorCode: 'TYPE_MISMATCH' }],
    ['JSON null for an object flag', 'object', matched('x', json('null')), {}, { errorCode: 'TYPE_MISMATCH' }],
    ['no payload for a number flag', 'number', matched('x'), 5, { value: 5, errorCode: 'TYPE_MISMATCH' }],
    ['no strategy matched: the caller default, DEFAULT', 'string', unmatched, 'dflt', { value: 'dflt', reason: 'DEFAULT' }],
    ['a matching strategy without variants: the caller default', 'string', enabledNoVariant, 'dflt', { value: 'dflt', reason: 'DEFAULT' }],
  ])('%s', (_name, type, variant, dflt, expected) => {
    expect(translateResult(STATIC, variant, type, dflt as never, 'f')).toMatchObject(expected);
  });

  it('reason follows the feature shape', () => {
    const v = matched('a', { type: 'string', value: 'x' });
    expect(translateResult(on([rollout(100, { variants: [{}, {}] })]), v, 'string', '', 'f').reason).toBe('SPLIT');
    expect(translateResult(TARGETED, v, 'string', '', 'f').reason).toBe('TARGETING_MATCH');
  });

  it('an unknown feature is FLAG_NOT_FOUND with the caller default', () => {
    expect(translateResult(undefined, unmatched, 'object', { d: 1 }, 'nope')).toMatchObject({
      value: { d: 1 },
      reason: 'ERROR',
      errorCode: 'FLAG_NOT_FOUND',
      errorMessage: expect.stringContaining('nope'),
    });
  });

  it('a disabled feature gives non-booleans the caller default', () => {
    expect(translateResult({ enabled: false }, unmatched, 'string', 'dflt', 'f')).toEqual({ value: 'dflt', reason: 'DISABLED' });
  });
});
