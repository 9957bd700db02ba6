import { describe, expect, it } from 'vitest';
import type { LDEvaluationDetail } from '@launchdarkly/node-server-sdk';
import { translateReason, translateResult } from '../src/index.js';
import type { FlagValueType } from '@openfeature/server-sdk';
import type { FlagCatalogEntry } from '../src/index.js';

const entry: FlagCatalogEntry = {
  variants: ['control', 'treatment'],
  fallthroughRollout: true,
  flagMetadata: { flagSetId: 'app', changeType: 'model-swap' },
};

describe('translateReason', () => {
  it.each<[string, LDEvaluationDetail['reason'], FlagCatalogEntry | undefined, string]>([
    ['OFF is DISABLED', { kind: 'OFF' }, undefined, 'DISABLED'],
    ['a failed prerequisite serves the off variation: DISABLED', { kind: 'PREREQUISITE_FAILED', prerequisiteKey: 'p' }, undefined, 'DISABLED'],
    ['RULE_MATCH is TARGETING_MATCH', { kind: 'RULE_MATCH', ruleIndex: 0, ruleId: 'r' }, undefined, 'TARGETING_MATCH'],
    ['TARGET_MATCH is TARGETING_MATCH', { kind: 'TARGET_MATCH' }, undefined, 'TARGETING_MATCH'],
    ['FALLTHROUGH in an experiment is SPLIT', { kind: 'FALLTHROUGH', inExperiment: true }, undefined, 'SPLIT'],
    ['FALLTHROUGH of a known rollout is SPLIT', { kind: 'FALLTHROUGH' }, entry, 'SPLIT'],
    ['FALLTHROUGH to one variation is STATIC', { kind: 'FALLTHROUGH' }, { variants: ['a'] }, 'STATIC'],
    ['FALLTHROUGH to one variation past rules is DEFAULT', { kind: 'FALLTHROUGH' }, { variants: ['a'], targeting: true }, 'DEFAULT'],
    ['FALLTHROUGH of a rollout past rules is SPLIT', { kind: 'FALLTHROUGH' }, { ...entry, targeting: true }, 'SPLIT'],
    ['FALLTHROUGH of an unknown flag is STATIC', { kind: 'FALLTHROUGH' }, undefined, 'STATIC'],
    ['ERROR stays ERROR', { kind: 'ERROR', errorKind: 'FLAG_NOT_FOUND' }, undefined, 'ERROR'],
    ['an unknown kind passes through', { kind: 'SOMETHING_NEW' }, undefined, 'SOMETHING_NEW'],
  ])('%s', (_name, reason, catalogEntry, expected) => {
    expect(translateReason(reason, catalogEntry)).toBe(expected);
  });
});

describe('translateResult', () => {
  it.each<[string, string, string]>([
    ['FLAG_NOT_FOUND', 'FLAG_NOT_FOUND', 'unknown flag'],
    ['WRONG_TYPE', 'TYPE_MISMATCH', 'typed variation of another type'],
    ['CLIENT_NOT_READY', 'PROVIDER_NOT_READY', 'not initialized'],
    ['MALFORMED_FLAG', 'PARSE_ERROR', 'bad flag data'],
    ['USER_NOT_SPECIFIED', 'TARGETING_KEY_MISSING', 'no key'],
    ['EXCEPTION', 'GENERAL', 'anything else'],
  ])('errorKind %s → %s (%s), with the default value', (errorKind, code) => {
    const detail: LDEvaluationDetail = { value: 'dflt', variationIndex: null, reason: { kind: 'ERROR', errorKind } };
    expect(translateResult(detail, 'string', 'dflt')).toEqual({
      value: 'dflt',
      reason: 'ERROR',
      errorCode: code,
      errorMessage: `LaunchDarkly error ${errorKind}`,
      flagMetadata: {},
    });
  });

  it.each<[string, unknown, FlagValueType, boolean]>([
    ['boolean as boolean', true, 'boolean', true],
    ['string as string', 's', 'string', true],
    ['number as number', 0.7, 'number', true],
    ['object as object', { model: 'gpt-4o' }, 'object', true],
    ['array as object', [1, 2], 'object', true],
    ['string as boolean', 'true', 'boolean', false],
    ['number as string', 1, 'string', false],
    ['string as number', '1', 'number', false],
    ['boolean as object', false, 'object', false],
    ['null as object', null, 'object', false],
  ])('type check: %s', (_name, value, type, ok) => {
    const detail: LDEvaluationDetail = { value, variationIndex: 1, reason: { kind: 'FALLTHROUGH' } };
    const result = translateResult(detail, type, 'dflt' as never, entry);
    if (ok) {
      expect(result).toMatchObject({ value, variant: 'treatment', reason: 'SPLIT' });
      expect(result.errorCode).toBeUndefined();
    } else {
      expect(result).toMatchObject({ value: 'dflt', reason: 'ERROR', errorCode: 'TYPE_MISMATCH' });
    }
  });

  it.each<[string, LDEvaluationDetail, FlagCatalogEntry | undefined, Record<string, unknown>]>([
    [
      'variant key from the catalog, metadata passed on',
      { value: true, variationIndex: 0, reason: { kind: 'RULE_MATCH', ruleIndex: 0 } },
      entry,
      { value: true, variant: 'control', reason: 'TARGETING_MATCH', flagMetadata: entry.flagMetadata },
    ],
    [
      'variation index as variant when the flag is not in the catalog',
      { value: 'b', variationIndex: 2, reason: { kind: 'FALLTHROUGH' } },
      undefined,
      { value: 'b', variant: '2', reason: 'STATIC', flagMetadata: {} },
    ],
    [
      'an off flag without off variation serves the default, no variant',
      { value: 'dflt', variationIndex: null, reason: { kind: 'OFF' } },
      entry,
      { value: 'dflt', reason: 'DISABLED', flagMetadata: entry.flagMetadata },
    ],
  ])('%s', (_name, detail, catalogEntry, expected) => {
    expect(translateResult(detail, typeof detail.value as FlagValueType, 'dflt', catalogEntry)).toEqual(expected);
  });
});
