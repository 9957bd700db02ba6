import { describe, expect, it } from 'vitest';
import { parseFlags } from '@aiflags/core';
import { exportToLaunchDarkly } from '../src/index.js';

const fileWith = (patterns: string[]): string => `
flags:
  gated:
    variants: { on: true, off: false }
    defaultVariant: off
    rules:
      - conditions: [{ attribute: email, op: matches, values: ${JSON.stringify(patterns)} }]
        variant: on
`;

describe('the LaunchDarkly exporter refuses patterns that backtrack exponentially in its SDKs', () => {
  it.each(['^(a|a)+$', '^(a|aa)*b$'])('%s: reported with flag, field and pattern, and left out of the clause', (pattern) => {
    const set = parseFlags(fileWith([pattern, '@acme\\.com$']), 'flags.yaml'); // re2js evaluates it linearly: valid locally
    const { data, problems } = exportToLaunchDarkly(set);
    expect(problems).toEqual([{ flag: 'gated', field: 'rules.0.conditions.0.values.0', message: expect.stringContaining(JSON.stringify(pattern)) }]);
    expect(problems[0]?.message).toContain('backtrack');
    const clause = data.flags['gated']?.rules[0]?.clauses[0];
    expect(clause?.values).toEqual(['@acme\\.com$']);
  });

  it('a safe pattern exports with no problem', () => {
    const { problems } = exportToLaunchDarkly(parseFlags(fileWith(['^(foo|bar)+@acme\\.com$']), 'flags.yaml'));
    expect(problems).toEqual([]);
  });
});
