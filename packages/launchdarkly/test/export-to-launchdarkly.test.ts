import { describe, expect, it } from 'vitest';
import { parseFlags } from '@aiflags/core';
import type { ConditionDefinition, ExportProblem } from '@aiflags/core';
import { attributeReference, exportToLaunchDarkly, translateCondition } from '../src/index.js';
import type { LaunchDarklyClause } from '../src/index.js';

const where = { flag: 'f', field: 'rules.0.conditions.0' };

describe('attributeReference', () => {
  it.each([
    ['targetingKey', 'key'],
    ['email', 'email'],
    ['account.plan', '/account/plan'],
    ['a.b.c', '/a/b/c'],
    ['/odd', '/~1odd'],
  ])('%s → %s', (path, ref) => {
    expect(attributeReference(path)).toBe(ref);
  });
});

describe('translateCondition', () => {
  it.each<[ConditionDefinition['op'], unknown[], Partial<LaunchDarklyClause>[]]>([
    ['in', ['pro'], [{ op: 'in', negate: false, values: ['pro'] }]],
    ['not_in', ['FR'], [{ op: 'in', negate: true, values: ['FR'] }]],
    ['equals', [5], [{ op: 'in', negate: false, values: [5, '5'] }]],
    ['not_equals', ['true'], [{ op: 'in', negate: true, values: ['true', true] }]],
    ['starts_with', ['gpt'], [{ op: 'startsWith', negate: false }]],
    ['ends_with', ['@acme.com'], [{ op: 'endsWith', negate: false }]],
    ['contains', ['x'], [{ op: 'contains', negate: false }]],
    ['not_contains', ['x'], [{ op: 'contains', negate: true }]],
    ['lt', [1], [{ op: 'lessThan' }]],
    ['lte', [1], [{ op: 'lessThanOrEqual' }]],
    ['gt', [1], [{ op: 'greaterThan' }]],
    ['gte', [1], [{ op: 'greaterThanOrEqual' }]],
    ['semver_eq', ['1.2.3'], [{ op: 'semVerEqual' }]],
    ['semver_lt', ['1.2.3'], [{ op: 'semVerLessThan' }]],
    ['semver_gt', ['1.2.3'], [{ op: 'semVerGreaterThan' }]],
    ['semver_lte', ['1.2.3'], [{ op: 'semVerLessThan' }, { op: 'semVerEqual' }]],
    ['semver_gte', ['1.2.3'], [{ op: 'semVerGreaterThan' }, { op: 'semVerEqual' }]],
    ['before', ['2026-01-01T00:00:00Z'], [{ op: 'before', values: ['2026-01-01T00:00:00Z'] }]],
    ['after', [0], [{ op: 'after', values: [0] }]],
    ['matches', ['^a.*z$'], [{ op: 'matches', values: ['^a.*z$'] }]],
  ])('%s %j', (op, values, expected) => {
    const problems: never[] = [];
    const condition = { attribute: 'account.plan', op, values } as ConditionDefinition;
    const alternatives = translateCondition(condition, where, problems);
    expect(alternatives).toHaveLength(expected.length);
    alternatives.forEach((clauses, i) => {
      expect(clauses).toHaveLength(1);
      expect(clauses[0]).toMatchObject({ contextKind: 'user', attribute: '/account/plan', ...expected[i] });
    });
    expect(problems).toEqual([]);
  });

  it.each<[unknown[], unknown[]]>([
    [['5'], ['5', 5]],
    [['5.0'], ['5.0']],
    [[true], [true, 'true']],
    [['false'], ['false', false]],
    [
      ['pro', 'enterprise'],
      ['pro', 'enterprise'],
    ],
  ])('in %j is widened to %j so strict equality matches what string comparison matches', (values, widened) => {
    const [[clause] = []] = translateCondition({ attribute: 'x', op: 'in', values } as ConditionDefinition, where, []);
    expect(clause?.values).toEqual(widened);
  });
});

describe('translateCondition: inverted and caseInsensitive', () => {
  it('an inverted condition negates each clause and ANDs them', () => {
    const lte = translateCondition({ attribute: 'v', op: 'semver_lte', values: ['2.0.0'], inverted: true }, where, []);
    expect(lte).toEqual([[expect.objectContaining({ op: 'semVerLessThan', negate: true }), expect.objectContaining({ op: 'semVerEqual', negate: true })]]);
    const notIn = translateCondition({ attribute: 'plan', op: 'not_in', values: ['free'], inverted: true }, where, []);
    expect(notIn).toEqual([[expect.objectContaining({ op: 'in', negate: false })]]);
  });

  it('caseInsensitive is reported: LaunchDarkly compares strings case-sensitively', () => {
    const problems: ExportProblem[] = [];
    translateCondition({ attribute: 'plan', op: 'starts_with', values: ['Pro'], caseInsensitive: true }, where, problems);
    expect(problems).toEqual([{ flag: 'f', field: 'rules.0.conditions.0.caseInsensitive', message: expect.stringContaining('case-sensitive') }]);
  });
});

const FILE = `
id: app
version: "7"
segments:
  beta:
    conditions:
      - { attribute: email, op: ends_with, values: ["@acme.com"] }
      - { attribute: appVersion, op: semver_gte, values: ["2.0.0"] }
flags:
  new_prompt: { enabled: true, percentage: 10, bucketing: { hash: launchdarkly } }
  legacy: { enabled: true, percentage: 25, bucketing: { hash: md5 } }
  static-default: { variants: { a: 1, b: 2 }, defaultVariant: b }
  prompt:
    changeType: system-prompt
    variants: { a: "A", b: "B", c: "C" }
    defaultVariant: a
    split: { a: 33.3, b: 33.3, c: 33.4 }
    bucketing: { hash: launchdarkly, by: account.id, salt: s1, seed: 61 }
  model:
    enabled: false
    variants: { control: { model: gpt-4o }, treatment: { model: claude } }
    defaultVariant: control
    offVariant: treatment
    rules:
      - name: beta
        segment: beta
        conditions: [{ attribute: targetingKey, op: not_in, values: [u0] }]
        rollout: { variant: treatment, percentage: 50 }
    bucketing: { hash: launchdarkly }
killSwitches:
  ai_agent_enabled: {}
  web_search_enabled: { enabled: false, retryAfter: 60 }
`;

describe('exportToLaunchDarkly', () => {
  const { data, problems } = exportToLaunchDarkly(parseFlags(FILE, 'flags.yaml'));

  it('writes the shorthand as a boolean flag: treated variant first, weights in 1/100000', () => {
    expect(data.flags['new_prompt']).toMatchObject({
      on: true,
      variations: [true, false],
      offVariation: 1,
      salt: 'new_prompt',
      fallthrough: {
        rollout: {
          kind: 'rollout',
          contextKind: 'user',
          variations: [
            { variation: 0, weight: 10000 },
            { variation: 1, weight: 90000 },
          ],
        },
      },
    });
    expect(data.catalog['new_prompt']).toMatchObject({ variants: ['on', 'off'], fallthroughRollout: true });
  });

  it('keeps salt, seed and the bucketing attribute; weights sum to 100000', () => {
    const flag = data.flags['prompt'];
    expect(flag?.salt).toBe('s1');
    expect(flag?.fallthrough.rollout).toMatchObject({
      bucketBy: '/account/id',
      seed: 61,
      variations: [
        { variation: 0, weight: 33300 },
        { variation: 1, weight: 33300 },
        { variation: 2, weight: 33400 },
      ],
    });
    expect(data.catalog['prompt']?.flagMetadata).toMatchObject({ flagSetId: 'app', changeType: 'system-prompt' });
  });

  it('a static flag falls through to its default variant', () => {
    expect(data.flags['static-default']).toMatchObject({ variations: [1, 2], fallthrough: { variation: 1 } });
    expect(data.catalog['static-default']?.fallthroughRollout).toBe(false);
    expect(data.catalog['static-default']?.targeting).toBe(false);
    expect(data.catalog['model']?.targeting).toBe(true);
  });

  it('a disabled flag is off and serves its offVariant', () => {
    expect(data.flags['model']).toMatchObject({ on: false, offVariation: 1 });
  });

  it('a rule becomes segmentMatch plus its clauses, serving its own rollout', () => {
    expect(data.flags['model']?.rules).toEqual([
      {
        id: 'model.rule-0',
        description: 'beta',
        trackEvents: false,
        clauses: [
          { contextKind: 'user', attribute: 'key', op: 'segmentMatch', values: ['beta'], negate: false },
          { contextKind: 'user', attribute: 'key', op: 'in', values: ['u0'], negate: true },
        ],
        rollout: {
          kind: 'rollout',
          contextKind: 'user',
          variations: [
            { variation: 1, weight: 50000 },
            { variation: 0, weight: 50000 },
          ],
        },
      },
    ]);
  });

  it('a segment becomes segment JSON; semver_gte becomes two OR-ed rules', () => {
    const segment = data.segments['beta'];
    expect(segment?.rules.map((r) => r.clauses.map((c) => c.op))).toEqual([
      ['endsWith', 'semVerGreaterThan'],
      ['endsWith', 'semVerEqual'],
    ]);
  });

  it('kill switches are boolean flags; an off switch is off', () => {
    expect(data.flags['ai_agent_enabled']).toMatchObject({ on: true, variations: [true, false], fallthrough: { variation: 0 }, offVariation: 1 });
    expect(data.flags['web_search_enabled']).toMatchObject({ on: false });
    expect(data.catalog['web_search_enabled']?.variants).toEqual(['on', 'off']);
  });

  it('lists what cannot keep its assignments instead of dropping it', () => {
    expect(problems).toEqual([expect.objectContaining({ flag: 'legacy', field: 'bucketing.hash', message: expect.stringMatching(/md5/) })]);
  });
});
