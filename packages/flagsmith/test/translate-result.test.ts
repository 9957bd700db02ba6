import { describe, expect, it } from 'vitest';
import { type FlagsmithCatalogEntry, translateReason, translateResult } from '../src/index.js';

const prompt: FlagsmithCatalogEntry = { type: 'string', variants: { '"A"': 'a', '"B"': 'b' }, targeting: true, flagMetadata: { flagSetId: 'f' } };
const rollout: FlagsmithCatalogEntry = { type: 'boolean', variants: { true: 'on', false: 'off' }, rolloutSegment: 'new_ui/rollout', fallthroughSplit: true };
const split: FlagsmithCatalogEntry = { type: 'object', variants: { '{"model":"x"}': 'control' }, topSplit: true, fallthroughSplit: true };
const killSwitch: FlagsmithCatalogEntry = { type: 'boolean', variants: { true: 'on', false: 'off' }, killSwitch: true };

describe('translateReason', () => {
  it.each([
    ['a rule segment', 'TARGETING_MATCH; segment=prompt/rule-0', true, prompt, 'TARGETING_MATCH'],
    ['the rollout segment', 'TARGETING_MATCH; segment=new_ui/rollout', true, rollout, 'SPLIT'],
    ['outside the rollout', 'DEFAULT', false, rollout, 'SPLIT'],
    ['a top-level multivariate pick', 'SPLIT; weight=50', true, split, 'SPLIT'],
    ["a rule's multivariate pick", 'SPLIT; weight=50', true, prompt, 'TARGETING_MATCH'],
    ['behind rules', 'DEFAULT', true, prompt, 'DEFAULT'],
    ['no rules', 'DEFAULT', true, { type: 'string', variants: {} }, 'STATIC'],
    ['switched off in the file', 'DEFAULT', false, { type: 'boolean', variants: {}, disabled: true }, 'DISABLED'],
    ['a kill switch on', 'DEFAULT', true, killSwitch, 'STATIC'],
    ['a kill switch off', 'DEFAULT', false, killSwitch, 'DISABLED'],
    ['no catalog, no reason (remote evaluation)', undefined, true, undefined, 'STATIC'],
  ] as const)('%s', (_name, reason, enabled, entry, expected) => {
    expect(translateReason(reason, enabled, entry)).toBe(expected);
  });
});

describe('translateResult', () => {
  it.each([
    [
      'boolean is the enabled state',
      { enabled: true, value: null, isDefault: false },
      'boolean',
      false,
      rollout,
      { value: true, variant: 'on', reason: 'SPLIT' },
    ],
    [
      'string value with its variant key',
      { enabled: true, value: 'B', isDefault: false, reason: 'TARGETING_MATCH; segment=x' },
      'string',
      '',
      prompt,
      { value: 'B', variant: 'b', reason: 'TARGETING_MATCH', flagMetadata: { flagSetId: 'f' } },
    ],
    [
      'object from JSON text',
      { enabled: true, value: '{"model":"x"}', isDefault: false, reason: 'SPLIT; weight=50' },
      'object',
      {},
      split,
      { value: { model: 'x' }, variant: 'control', reason: 'SPLIT' },
    ],
    [
      'number from numeric text (hosted Flagsmith stores floats as text)',
      { enabled: true, value: '0.7', isDefault: false },
      'number',
      0,
      undefined,
      { value: 0.7, reason: 'STATIC' },
    ],
    [
      'a switched-off non-boolean feature serves its value, DISABLED',
      { enabled: false, value: 'A', isDefault: false },
      'string',
      '',
      prompt,
      { value: 'A', variant: 'a', reason: 'DISABLED' },
    ],
    [
      'a switched-off feature without a value serves the default',
      { enabled: false, value: null, isDefault: false },
      'string',
      'dflt',
      undefined,
      { value: 'dflt', reason: 'DISABLED' },
    ],
    [
      'unknown feature',
      { enabled: false, value: undefined, isDefault: true },
      'string',
      'dflt',
      undefined,
      { value: 'dflt', reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND' },
    ],
    ['wrong type', { enabled: true, value: 'A', isDefault: false }, 'number', 7, undefined, { value: 7, reason: 'ERROR', errorCode: 'TYPE_MISMATCH' }],
    [
      'a string flag read as a boolean',
      { enabled: true, value: 'A', isDefault: false },
      'boolean',
      false,
      prompt,
      { value: false, errorCode: 'TYPE_MISMATCH' },
    ],
    ['JSON that does not parse', { enabled: true, value: '{oops', isDefault: false }, 'object', {}, undefined, { value: {}, errorCode: 'PARSE_ERROR' }],
    ['JSON that is not an object', { enabled: true, value: '5', isDefault: false }, 'object', {}, undefined, { value: {}, errorCode: 'TYPE_MISMATCH' }],
  ] as const)('%s', (_name, flag, type, fallback, entry, expected) => {
    expect(translateResult(flag, type, fallback, entry, 'f')).toMatchObject(expected);
  });
});
