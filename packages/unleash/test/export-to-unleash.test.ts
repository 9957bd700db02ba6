import { parseFlags } from '@aiflags/core';
import { describe, expect, it } from 'vitest';
import { conditionToConstraints, exportToUnleash } from '../src/index.js';
import type { ConditionDefinition } from '@aiflags/core';

const exportYaml = (yaml: string) => exportToUnleash(parseFlags(yaml, 'flags.yaml'));
const strategiesOf = (data: ReturnType<typeof exportYaml>['data'], flag: string) =>
  data.featureStrategies.filter((s) => s.featureName === flag).sort((a, b) => a.sortOrder - b.sortOrder);

describe('exportToUnleash', () => {
  it('writes the shorthand rollout as one whole-percent flexibleRollout with groupId and stickiness', () => {
    const { data, problems } = exportYaml(`
flags:
  new_prompt: { enabled: true, percentage: 10, bucketing: { hash: unleash } }
`);
    expect(problems).toEqual([]);
    expect(data.features).toEqual([{ name: 'new_prompt', type: 'release', impressionData: false }]);
    expect(data.featureEnvironments).toEqual([{ name: 'new_prompt', featureName: 'new_prompt', environment: 'development', enabled: true, variants: [] }]);
    expect(strategiesOf(data, 'new_prompt')).toEqual([
      expect.objectContaining({
        name: 'flexibleRollout',
        parameters: { rollout: '10', stickiness: 'default', groupId: 'new_prompt' },
        constraints: [],
        variants: [],
        sortOrder: 0,
      }),
    ]);
  });

  it('writes a split as strategy variants in 1/1000 with typed payloads, the last one variable', () => {
    const { data, problems } = exportYaml(`
flags:
  system-prompt:
    variants: { a: { text: "helpful" }, b: { text: "concise" }, c: { text: "senior" } }
    defaultVariant: a
    split: { a: 33.3, b: 33.3, c: 33.4 }
    bucketing: { hash: unleash, groupId: prompts-v1 }
`);
    expect(problems).toEqual([]);
    expect(data.features[0]?.type).toBe('experiment');
    const [split] = strategiesOf(data, 'system-prompt');
    expect(split?.parameters).toEqual({ rollout: '100', stickiness: 'default', groupId: 'prompts-v1' });
    expect(split?.variants).toEqual([
      { name: 'a', weight: 333, weightType: 'fix', stickiness: 'default', payload: { type: 'json', value: '{"text":"helpful"}' } },
      { name: 'b', weight: 333, weightType: 'fix', stickiness: 'default', payload: { type: 'json', value: '{"text":"concise"}' } },
      { name: 'c', weight: 334, weightType: 'variable', stickiness: 'default', payload: { type: 'json', value: '{"text":"senior"}' } },
    ]);
  });

  it('writes a split in name order, as the server stores it and unleash mode buckets it, whatever order the file has', () => {
    const { data, problems } = exportYaml(`
flags:
  temperature:
    variants: { low: 0.2, mid: 0.5, high: 0.9 }
    defaultVariant: low
    split: { low: 50, mid: 25, high: 25 }
    bucketing: { hash: unleash }
`);
    expect(problems).toEqual([]);
    expect(strategiesOf(data, 'temperature')[0]?.variants.map((v) => [v.name, v.weight])).toEqual([
      ['high', 250],
      ['low', 500],
      ['mid', 250],
    ]);
  });

  it.each([
    ['strings', '{ a: "You are helpful.", b: "Be brief." }', { type: 'string', value: 'Be brief.' }],
    ['numbers', '{ a: 0.2, b: 0.9 }', { type: 'number', value: '0.9' }],
    ['arrays', '{ a: [1], b: [2, 3] }', { type: 'json', value: '[2,3]' }],
  ])('writes %s as typed payloads', (_name, variants, payload) => {
    const { data } = exportYaml(
      `flags: { f: { variants: ${variants}, defaultVariant: a, rules: [ { conditions: [ { attribute: plan, op: in, values: [pro] } ], variant: b } ] } }`,
    );
    expect(strategiesOf(data, 'f')[0]?.variants[0]?.payload).toEqual(payload);
  });

  it('writes rules first, in order, with segments inlined as constraints; then the rollout and its default', () => {
    const { data, problems } = exportYaml(`
segments:
  beta: { conditions: [ { attribute: email, op: ends_with, values: ["@acme.com"] } ] }
flags:
  chat-model:
    variants: { control: { model: gpt-4o }, treatment: { model: claude-sonnet-4 } }
    defaultVariant: control
    rules:
      - { name: beta, segment: beta, conditions: [ { attribute: account.plan, op: in, values: [pro] } ], variant: treatment }
    rollout: { variant: treatment, percentage: 5 }
    bucketing: { hash: unleash, by: accountId }
`);
    expect(problems).toEqual([]);
    const strategies = strategiesOf(data, 'chat-model');
    expect(strategies.map((s) => [s.title, s.parameters.rollout, s.variants.map((v) => v.name)])).toEqual([
      ['rules[0]', '100', ['treatment']],
      ['rollout', '5', ['treatment']],
      ['rollout', '100', ['control']],
    ]);
    expect(strategies[0]?.constraints).toEqual([
      { contextName: 'email', operator: 'STR_ENDS_WITH', values: ['@acme.com'], inverted: false, caseInsensitive: false },
      { contextName: 'account.plan', operator: 'IN', values: ['pro'], inverted: false, caseInsensitive: false },
    ]);
    // A fixed variant serves whoever matches; the rollout's two halves serve nothing without an accountId.
    expect(strategies.map((s) => s.parameters.stickiness)).toEqual(['default', 'accountId', 'accountId']);
    expect(data.contextFields.map((f) => [f.name, f.stickiness])).toEqual([
      ['accountId', true],
      ['email', false],
      ['account.plan', false],
    ]);
  });

  it('writes kill switches as kill-switch features, on unless disabled', () => {
    const { data, problems } = exportYaml(`
killSwitches:
  ai_agent_enabled: {}
  web_search_enabled: { enabled: false, retryAfter: 60 }
`);
    expect(data.features.map((f) => [f.name, f.type])).toEqual([
      ['ai_agent_enabled', 'kill-switch'],
      ['web_search_enabled', 'kill-switch'],
    ]);
    expect(data.featureEnvironments.map((e) => e.enabled)).toEqual([true, false]);
    expect(problems).toEqual([{ flag: 'web_search_enabled', field: 'retryAfter', message: expect.stringContaining('60 s') }]);
  });

  it('a sub-1 % rollout in unleash mode is rejected when the file is read (Unleash buckets whole percents), so it never reaches the exporter', () => {
    expect(() => parseFlags(`flags: { f: { enabled: true, percentage: 0.5, bucketing: { hash: unleash } } }`, 'flags.yaml')).toThrow(
      /flag 'f', field 'rollout.percentage'.*unleash cannot express finer steps; nearest: 1/,
    );
  });

  it.each([
    [
      'a flag not bucketed the Unleash way',
      `flags: { f: { enabled: true, percentage: 10 } }`,
      { flag: 'f', field: 'bucketing.hash', message: expect.stringContaining("bucketing is 'murmur3'") },
    ],
    [
      'a sub-1 % rollout not bucketed the Unleash way (it is bucketed, though Unleash serves nobody)',
      `flags: { f: { enabled: true, percentage: 0.5 } }`,
      { flag: 'f', field: 'bucketing.hash', message: expect.stringContaining("bucketing is 'murmur3'") },
    ],
    [
      'a regex condition (the rule is left out)',
      `flags:
  f:
    variants: { a: x, b: y }
    defaultVariant: a
    rules: [ { name: staff, conditions: [ { attribute: email, op: matches, values: ["@acme\\\\.com$"] } ], variant: b } ]`,
      { flag: 'f', field: 'rules[0].conditions[0]', message: expect.stringContaining("rule 'staff' is left out") },
    ],
    [
      'a date condition on an attribute other than currentTime',
      `flags:
  f:
    variants: { a: x, b: y }
    defaultVariant: a
    rules: [ { conditions: [ { attribute: signedUp, op: after, values: ["2026-01-01T00:00:00Z"] } ], variant: b } ]`,
      { flag: 'f', field: 'rules[0].conditions[0]', message: expect.stringContaining("currentTime, not 'signedUp'") },
    ],
    [
      'not_in, which Unleash matches on a missing attribute',
      `flags:
  f:
    variants: { a: x, b: y }
    defaultVariant: a
    rules: [ { conditions: [ { attribute: country, op: not_in, values: [FR] } ], variant: b } ]`,
      { flag: 'f', field: 'rules[0].conditions[0]', message: expect.stringContaining("without 'country'") },
    ],
    [
      'a disabled flag whose off variant Unleash cannot serve',
      `flags:
  f: { enabled: false, variants: { a: x, b: y }, defaultVariant: a, offVariant: b }`,
      { flag: 'f', field: 'enabled', message: expect.stringContaining("not offVariant 'b'") },
    ],
    [
      'a boolean rule serving false before a rollout serving true',
      `flags:
  f:
    enabled: true
    variants: { on: true, off: false }
    defaultVariant: off
    rules: [ { conditions: [ { attribute: plan, op: in, values: [free] } ], variant: off } ]
    rollout: { variant: on, percentage: 50 }
    bucketing: { hash: unleash }`,
      { flag: 'f', field: 'rules[0]', message: expect.stringContaining("OR'ed") },
    ],
    [
      'split weights finer than 1/1000',
      `flags:
  f:
    variants: { a: x, b: y }
    defaultVariant: a
    split: { a: 33.33, b: 66.67 }`,
      { flag: 'f', field: 'split.a', message: expect.stringContaining('whole tenths') },
    ],
  ])('reports %s', (_name, yaml, problem) => {
    expect(exportYaml(yaml).problems).toContainEqual(problem);
  });

  it('a boolean flag with variants named other than on keeps the name as a strategy variant', () => {
    const { data } = exportYaml(`
flags:
  f: { variants: { yes: true, no: false }, defaultVariant: yes }
`);
    expect(strategiesOf(data, 'f')[0]?.variants).toEqual([{ name: 'yes', weight: 1000, weightType: 'variable', stickiness: 'default' }]);
  });
});

describe('conditionToConstraints', () => {
  const c = (attribute: string, op: ConditionDefinition['op'], values: Array<string | number>) => conditionToConstraints({ attribute, op, values });
  it.each([
    ['in', c('plan', 'in', ['pro', 'team']), { contextName: 'plan', operator: 'IN', values: ['pro', 'team'], inverted: false }],
    ['equals on targetingKey', c('targetingKey', 'equals', ['u1']), { contextName: 'userId', operator: 'IN', values: ['u1'] }],
    ['numbers in a membership test', c('tier', 'in', [1, 2]), { operator: 'IN', values: ['1', '2'] }],
    ['not_equals', c('plan', 'not_equals', ['free']), { operator: 'NOT_IN', values: ['free'] }],
    ['starts_with', c('email', 'starts_with', ['ad']), { operator: 'STR_STARTS_WITH' }],
    ['contains', c('email', 'contains', ['x']), { operator: 'STR_CONTAINS', inverted: false }],
    ['not_contains', c('email', 'not_contains', ['x']), { operator: 'STR_CONTAINS', inverted: true }],
    ['lt takes the largest value', c('seats', 'lt', [10, 50]), { operator: 'NUM_LT', value: '50' }],
    ['lte', c('seats', 'lte', [10]), { operator: 'NUM_LTE', value: '10' }],
    ['gt takes the smallest value', c('seats', 'gt', [10, 50]), { operator: 'NUM_GT', value: '10' }],
    ['gte', c('seats', 'gte', [50]), { operator: 'NUM_GTE', value: '50' }],
    ['semver_eq pads a short version', c('appVersion', 'semver_eq', ['2.1']), { operator: 'SEMVER_EQ', value: '2.1.0' }],
    ['semver_lt', c('appVersion', 'semver_lt', ['1.0.0', '2.0.0']), { operator: 'SEMVER_LT', value: '2.0.0' }],
    ['semver_gt', c('appVersion', 'semver_gt', ['1.0.0', '2.0.0']), { operator: 'SEMVER_GT', value: '1.0.0' }],
    ['semver_lte as not greater', c('appVersion', 'semver_lte', ['2.0.0']), { operator: 'SEMVER_GT', value: '2.0.0', inverted: true }],
    ['semver_gte as not less', c('appVersion', 'semver_gte', ['2.0.0']), { operator: 'SEMVER_LT', value: '2.0.0', inverted: true }],
    ['before', c('currentTime', 'before', ['2027-01-01T00:00:00Z']), { operator: 'DATE_BEFORE', value: '2027-01-01T00:00:00.000Z' }],
    ['after from epoch ms', c('currentTime', 'after', [0]), { operator: 'DATE_AFTER', value: '1970-01-01T00:00:00.000Z' }],
  ])('%s', (_name, translated, expected) => {
    expect(translated.unsupported).toBeUndefined();
    expect(translated.constraints).toEqual([expect.objectContaining(expected)]);
  });

  it.each([
    ['matches', c('email', 'matches', ['.*'])],
    ['semver_eq with two versions', c('appVersion', 'semver_eq', ['1.0.0', '2.0.0'])],
    ['a date on another attribute', c('signedUp', 'before', ['2027-01-01T00:00:00Z'])],
  ])('cannot write %s', (_name, translated) => {
    expect(translated.unsupported).toEqual(expect.any(String));
    expect(translated.constraints).toEqual([]);
  });
});

describe('inverted, caseInsensitive and the missing-attribute caveat', () => {
  const c = (op: ConditionDefinition['op'], extra: Partial<ConditionDefinition> = {}, unleashMode = false) =>
    conditionToConstraints({ attribute: 'plan', op, values: ['Pro'], ...extra }, { missingMatchesNegated: unleashMode });
  it.each([
    ['inverted in', c('in', { inverted: true }), { operator: 'IN', inverted: true, caseInsensitive: false }],
    ['inverted not_in', c('not_in', { inverted: true }), { operator: 'NOT_IN', inverted: true }],
    ['inverted not_contains', c('not_contains', { inverted: true }), { operator: 'STR_CONTAINS', inverted: false }],
    ['caseInsensitive starts_with', c('starts_with', { caseInsensitive: true }), { operator: 'STR_STARTS_WITH', caseInsensitive: true }],
    [
      'caseInsensitive inverted ends_with',
      c('ends_with', { caseInsensitive: true, inverted: true }),
      { operator: 'STR_ENDS_WITH', inverted: true, caseInsensitive: true },
    ],
  ])('%s', (_name, translated, expected) => {
    expect(translated.constraints).toEqual([expect.objectContaining(expected)]);
  });

  it.each<[string, ReturnType<typeof c>, boolean]>([
    ['not_in, murmur3 mode', c('not_in'), true],
    ['not_in, unleash mode', c('not_in', {}, true), false],
    ['inverted in, murmur3 mode', c('in', { inverted: true }), true],
    ['inverted in, unleash mode', c('in', { inverted: true }, true), false],
    ['in, unleash mode', c('in', {}, true), false],
    ['inverted not_in, unleash mode', c('not_in', { inverted: true }, true), false],
    // "not greater" matches a missing or non-version attribute in Unleash; semver_lte does in no mode.
    ['semver_lte, unleash mode', conditionToConstraints({ attribute: 'v', op: 'semver_lte', values: ['1.0.0'] }, { missingMatchesNegated: true }), true],
    [
      'inverted semver_lte, unleash mode',
      conditionToConstraints({ attribute: 'v', op: 'semver_lte', values: ['1.0.0'], inverted: true }, { missingMatchesNegated: true }),
      true,
    ],
  ])('%s: caveat about a missing attribute %s', (_name, translated, caveat) => {
    expect(translated.caveats.some((m) => m.includes('a context without'))).toBe(caveat);
  });
});
