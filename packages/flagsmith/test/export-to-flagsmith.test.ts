import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluate, flagsmithDefaultId, parseFlags } from '@aiflags/core';
import { createFlagsmithProvider, exportToFlagsmith } from '../src/index.js';

const exportOf = (yaml: string) => exportToFlagsmith(parseFlags(yaml, 'flags.yaml'));

describe('exportToFlagsmith', () => {
  it('writes what flagsmith-nodejs needs to load the document with stable ids', () => {
    const { data, problems } = exportOf(`flags:
  prompt:
    variants: { a: A, b: B }
    defaultVariant: a
    split: { a: 40, b: 60 }
    bucketing: { hash: flagsmith, salt: env-key, seed: 42 }
`);
    expect(problems).toEqual([]);
    expect(data.api_key).toBe('env-key');
    expect(data.project.organisation).toMatchObject({ id: 1, stop_serving_flags: false });
    const [state] = data.feature_states;
    expect(state).toMatchObject({ django_id: 42, feature: { name: 'prompt', type: 'MULTIVARIATE' }, enabled: true, feature_segment: null });
    expect(state?.multivariate_feature_state_values.map((v) => [v.percentage_allocation, v.multivariate_feature_option.value])).toEqual([
      [40, 'A'],
      [60, 'B'],
    ]);
    const ids = state?.multivariate_feature_state_values.map((v) => v.id) ?? [];
    expect([...ids].sort((x, y) => x - y)).toEqual(ids);
    expect(data.catalog['prompt']).toMatchObject({ type: 'string', variants: { '"A"': 'a', '"B"': 'b' }, topSplit: true });
    expect(
      exportOf(
        `flags:\n  prompt:\n    variants: { a: A, b: B }\n    defaultVariant: a\n    split: { a: 40, b: 60 }\n    bucketing: { hash: flagsmith, salt: env-key, seed: 42 }\n`,
      ).data,
    ).toEqual(data);
  });

  it("a boolean rollout is a PERCENTAGE_SPLIT segment whose id is the flag's seed (derived from the key when unset)", () => {
    const { data } = exportOf('flags:\n  new_ui: { enabled: true, percentage: 10, bucketing: { hash: flagsmith, salt: env } }\n');
    expect(data.project.segments).toEqual([
      expect.objectContaining({
        id: flagsmithDefaultId('new_ui'),
        name: 'new_ui/rollout',
        rules: [{ type: 'ALL', conditions: [{ operator: 'PERCENTAGE_SPLIT', value: '10' }], rules: [] }],
        feature_states: [expect.objectContaining({ enabled: true, feature_segment: { priority: 0 } })],
      }),
    ]);
    expect(data.feature_states[0]).toMatchObject({ enabled: false, feature_state_value: null });
  });

  it('rules become segments in priority order; conditions become ANY sub-rules, negations NONE for a set trait; a 0 % rollout writes no segment', () => {
    const { data, problems } = exportOf(`flags:
  tokens:
    variants: { short: 256, long: 4096 }
    defaultVariant: long
    bucketing: { hash: flagsmith }
    rules:
      - conditions: [{ attribute: plan, op: in, values: [free, trial] }, { attribute: country, op: not_equals, values: [FR] }]
        variant: short
      - conditions: [{ attribute: appVersion, op: semver_gte, values: ["v2.1"] }, { attribute: email, op: ends_with, values: ["@a.com"] }]
        rollout: { variant: short, percentage: 0 }
`);
    expect(problems).toEqual([]);
    expect(data.project.segments.map((s) => [s.name, s.feature_states[0]?.feature_segment?.priority])).toEqual([
      ['tokens/rule-0', 0],
      ['tokens/rule-1', 1],
    ]);
    expect(data.project.segments[0]?.rules[0]?.rules).toEqual([
      { type: 'ANY', conditions: [{ operator: 'IN', property_: 'plan', value: '["free","trial"]' }], rules: [] },
      {
        type: 'ALL',
        conditions: [{ operator: 'IS_SET', property_: 'country', value: '' }],
        rules: [{ type: 'NONE', conditions: [{ operator: 'IN', property_: 'country', value: '["FR"]' }], rules: [] }],
      },
    ]);
    expect(data.project.segments[1]?.rules[0]?.rules).toEqual([
      { type: 'ANY', conditions: [{ operator: 'GREATER_THAN_INCLUSIVE', property_: 'appVersion', value: '2.1.0:semver' }], rules: [] },
      { type: 'ANY', conditions: [{ operator: 'REGEX', property_: 'email', value: '@a\\.com$' }], rules: [] },
    ]);
  });

  it('a disabled flag serves its off variant with the feature off and no overrides; kill switches are boolean features', () => {
    const { data } = exportOf(`flags:
  temperature:
    enabled: false
    variants: { low: 0.2, high: 0.9 }
    defaultVariant: high
    offVariant: low
    rules: [{ conditions: [{ attribute: plan, op: equals, values: [pro] }], variant: high }]
killSwitches:
  ai_agent_enabled: {}
  web_search_enabled: { enabled: false }
`);
    expect(data.project.segments).toEqual([]);
    expect(data.feature_states.map((s) => [s.feature.name, s.enabled, s.feature_state_value])).toEqual([
      ['temperature', false, 0.2],
      ['ai_agent_enabled', true, null],
      ['web_search_enabled', false, null],
    ]);
    expect(data.catalog['ai_agent_enabled']).toMatchObject({ killSwitch: true, variants: { true: 'on', false: 'off' } });
  });

  it.each([
    ['a split with another bucketing mode', 'split: { a: 50, b: 50 }', '', 'bucketing.hash'],
    ['bucketing by another attribute', 'split: { a: 50, b: 50 }', ', by: org', 'bucketing.by'],
    ['two variants with one value', 'split: { a: 50, b: 50 }\n    variants: { a: X, b: X }', '', 'variants.b'],
  ])('reports %s', (_name, body, bucketing, field) => {
    const hash = field === 'bucketing.hash' ? 'murmur3' : 'flagsmith';
    const variants = body.includes('variants') ? '' : '\n    variants: { a: A, b: B }';
    const { problems } = exportOf(`flags:\n  f:${variants}\n    defaultVariant: a\n    ${body}\n    bucketing: { hash: ${hash}${bucketing} }\n`);
    expect(problems).toEqual([expect.objectContaining({ flag: 'f', field })]);
  });

  it('reports salts that disagree, a seed two rollouts share, two rollouts in one flag, dates and nested attributes', () => {
    const { problems } = exportOf(`flags:
  a: { enabled: true, percentage: 10, bucketing: { hash: flagsmith, salt: env-1, seed: 7 } }
  b: { enabled: true, percentage: 10, bucketing: { hash: flagsmith, salt: env-2, seed: 7 } }
  c:
    variants: { x: X, y: Y }
    defaultVariant: x
    rollout: { variant: y, percentage: 5 }
    bucketing: { hash: flagsmith, salt: env-1 }
    rules:
      - conditions: [{ attribute: since, op: after, values: ["2026-01-01T00:00:00Z"] }]
        rollout: { variant: y, percentage: 50 }
      - conditions: [{ attribute: account.plan, op: equals, values: [pro] }]
        variant: y
`);
    expect(problems.map((p) => `${p.flag} ${p.field}`)).toEqual([
      'b bucketing.salt',
      'b bucketing.seed',
      'c rules',
      'c rules.0.conditions.0',
      'c rules.1.conditions.0.attribute',
    ]);
    for (const p of problems) expect(p.message.length).toBeGreaterThan(20);
  });

  it('with --lossy, a rule whose condition Flagsmith cannot express matches nobody there (less, never more)', async () => {
    const set = parseFlags(
      'flags:\n  f:\n    variants: { x: X, y: Y }\n    defaultVariant: x\n    rules:\n      - conditions: [{ attribute: since, op: after, values: ["2000-01-01T00:00:00Z"] }]\n        variant: y\n',
      'flags.yaml',
    );
    const { data, problems } = exportToFlagsmith(set);
    expect(problems).toHaveLength(1);
    const dir = mkdtempSync(join(tmpdir(), 'aiflags-fs-lossy-'));
    try {
      const file = join(dir, 'flagsmith.json');
      writeFileSync(file, JSON.stringify(data));
      const provider = createFlagsmithProvider({ environmentFile: file, catalog: data.catalog });
      const ctx = { targetingKey: 'u', since: '2026-01-01T00:00:00Z' };
      expect(evaluate(set, 'f', ctx).variant).toBe('y');
      expect(await provider.resolveStringEvaluation('f', '', ctx)).toMatchObject({ variant: 'x', reason: 'DEFAULT' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
