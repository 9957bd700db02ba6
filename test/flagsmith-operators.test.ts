/**
 * Every condition operator Flagsmith can express, exported and evaluated by the real flagsmith-nodejs SDK
 * (offline), against the local evaluator, over awkward trait values (other types, arrays, missing). Where the
 * two must differ, the difference is listed here and in the package README; everything else must agree.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluate, parseFlags } from '@aiflags/core';
import type { EvaluationContext } from '@aiflags/core';
import { createFlagsmithProvider, exportToFlagsmith } from '@aiflags/flagsmith';

const MISSING = Symbol('missing');
const dir = mkdtempSync(join(tmpdir(), 'aiflags-fs-ops-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const equality = ['pro', 'Pro', 5, '5', 6, true, 'true', false, ['x', 'pro'], [], null, MISSING];
const strings = ['abc', 'cab', 'xabx', 'AB', 5, ['zz', 'abz'], ['zz'], '', MISSING];
const numbers = [5, 10, 15, -1, 10.5, 'x', true, [1, 20], [20], '5', '15', MISSING];
const versions = ['2.1.0', '2.1', '2', '2.0.9', '2.1.1', '2.1.0-beta', '2.1.0+build', '10.0.0', 'v2.1.0', 'x', 2, MISSING];
const patterns = ['gpt-4o', 'gpt-4', 'claude', 'xgpt-4o', 5, ['claude', 'gpt-5'], MISSING];

/**
 * Per operator, the trait values whose answers differ. Arrays differ everywhere: a trait holds one value, so
 * an array attribute is not sent (locally it matches when any element does).
 */
const KNOWN_DIFFERENCES: Record<string, unknown[]> = {
  // A number held in text: we read it as the number, Flagsmith compares the text ("5" > "10").
  lt: ['5'],
  lte: ['5'],
  gt: ['5'],
  gte: ['5'],
  // As flagd's sem_ver, we read `2.1`, `2` and the number 2 as versions; Flagsmith reads none of them.
  semver_eq: ['2.1'],
  semver_lt: ['2', 2],
  semver_lte: ['2.1', '2', 2],
  semver_gte: ['2.1'],
};

const CASES: [op: string, values: unknown[], attributes: unknown[]][] = [
  ['in', ['pro', 5, true], equality],
  ['not_in', ['pro', 5, true], equality],
  ['equals', ['pro'], equality],
  ['not_equals', ['5'], equality],
  ['starts_with', ['ab'], strings],
  ['ends_with', ['ab'], strings],
  ['contains', ['ab'], strings],
  ['not_contains', ['ab'], strings],
  ['lt', [10], numbers],
  ['lte', [10], numbers],
  ['gt', [10], numbers],
  ['gte', [10], numbers],
  ['semver_eq', ['2.1.0'], versions],
  ['semver_eq', ['v2.1.0'], versions],
  ['semver_lt', ['2.1.0'], versions],
  ['semver_lte', ['2.1.0'], versions],
  ['semver_gt', ['2.1.0'], versions],
  ['semver_gte', ['2.1.0'], versions],
  ['matches', ['^gpt-[0-9]+o?$'], patterns],
];

describe.each(CASES)('operator %s %j', (op, values, attributes) => {
  it('the real SDK and the local evaluator agree for every trait value', async () => {
    const text = JSON.stringify({
      flags: { f: { variants: { yes: 'yes', no: 'no' }, defaultVariant: 'no', rules: [{ conditions: [{ attribute: 'a', op, values }], variant: 'yes' }] } },
    });
    const set = parseFlags(text, 'operators.json');
    const { data, problems } = exportToFlagsmith(set);
    expect(problems).toEqual([]);
    const file = join(dir, `${op}.json`);
    writeFileSync(file, JSON.stringify(data));
    const provider = createFlagsmithProvider({ environmentFile: file, catalog: data.catalog });
    const rows = [];
    for (const a of attributes) {
      const ctx: EvaluationContext = a === MISSING ? { targetingKey: 'u' } : { targetingKey: 'u', a };
      const local = evaluate(set, 'f', ctx).variant;
      const remote = (await provider.resolveStringEvaluation('f', '?', ctx as never)).variant;
      rows.push({ a: a === MISSING ? '(missing)' : a, local, remote });
    }
    const known = KNOWN_DIFFERENCES[op] ?? [];
    const isKnown = (a: unknown) => Array.isArray(a) || known.some((k) => JSON.stringify(k) === JSON.stringify(a));
    expect(rows.filter((r) => r.local !== r.remote && !isKnown(r.a))).toEqual([]);
    for (const a of known)
      expect(
        rows.find((r) => JSON.stringify(r.a) === JSON.stringify(a) && r.local !== r.remote),
        `${op} ${String(a)}`,
      ).toBeDefined();
    expect(new Set(rows.map((r) => r.local))).toEqual(new Set(['yes', 'no']));
  });
});
