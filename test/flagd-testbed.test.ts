/**
 * flagd-testbed's evaluator suite (open-feature/flagd-testbed v3.9.0, vendored under
 * test/fixtures/flagd-testbed) run against the LocalProvider reading the testbed's own flagd file, through
 * the OpenFeature server SDK. The .feature files are parsed with @cucumber/gherkin; the step definitions
 * are below. Legacy `@fractional-v1` scenarios are left out; every other scenario runs on the unmodified file.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AstBuilder, compile, GherkinClassicTokenMatcher, Parser } from '@cucumber/gherkin';
import { IdGenerator, type Pickle } from '@cucumber/messages';
import { OpenFeature, type EvaluationContext, type EvaluationDetails, type FlagValue, type JsonValue } from '@openfeature/server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlagdCore } from '@openfeature/flagd-core';
import { evaluate as evaluateFlag, exportToFlagd, parseFlags } from '@aiflags/core';
import { LocalProvider } from '@aiflags/provider';

const ROOT = join(import.meta.dirname, 'fixtures/flagd-testbed');
const FLAG_FILE = join(ROOT, 'flags/testkit-flags.json');

/** aiflags puts these on every result (OpenTelemetry reads them); "metadata is empty" means no other keys. */
const AIFLAGS_METADATA = ['flagSetId', 'flagSetVersion'];

function pickles(): { file: string; pickle: Pickle }[] {
  const out: { file: string; pickle: Pickle }[] = [];
  for (const file of readdirSync(join(ROOT, 'gherkin')).filter((f) => f.endsWith('.feature'))) {
    const newId = IdGenerator.uuid();
    const doc = new Parser(new AstBuilder(newId), new GherkinClassicTokenMatcher()).parse(readFileSync(join(ROOT, 'gherkin', file), 'utf8'));
    for (const pickle of compile(doc, file, newId)) out.push({ file, pickle });
  }
  return out;
}

type FlagType = 'Boolean' | 'String' | 'Integer' | 'Float' | 'Object';

function typed(type: string, raw: string): FlagValue {
  switch (type) {
    case 'Boolean':
      return raw === 'true';
    case 'Integer':
      return Number.parseInt(raw, 10);
    case 'Float':
      return Number.parseFloat(raw);
    case 'Object':
      return JSON.parse(raw.replaceAll('\\"', '"')) as JsonValue;
    default:
      return raw;
  }
}

interface World {
  type: FlagType;
  key: string;
  fallback: FlagValue;
  context: EvaluationContext;
  details?: EvaluationDetails<FlagValue>;
}

const client = () => OpenFeature.getClient(domain);
let domain = '';

async function evaluate(w: World): Promise<EvaluationDetails<FlagValue>> {
  const c = client();
  switch (w.type) {
    case 'Boolean':
      return c.getBooleanDetails(w.key, w.fallback as boolean, w.context);
    case 'String':
      return c.getStringDetails(w.key, w.fallback as string, w.context);
    case 'Integer':
    case 'Float':
      return c.getNumberDetails(w.key, w.fallback as number, w.context);
    default:
      return c.getObjectDetails(w.key, w.fallback as JsonValue, w.context);
  }
}

/** The step definitions: each step's text against a pattern, in the order the testbed's steps read. */
async function run(pickle: Pickle): Promise<void> {
  const w: World = { type: 'String', key: '', fallback: '', context: {} };
  for (const step of pickle.steps) {
    const text = step.text;
    let m: RegExpExecArray | null;
    if (text === 'an evaluator') continue;
    if ((m = /^a (Boolean|String|Integer|Float|Object)-flag with key "(.*)" and a fallback value "(.*)"$/.exec(text))) {
      w.type = m[1] as FlagType;
      w.key = m[2] as string;
      w.fallback = typed(w.type, m[3] as string);
    } else if ((m = /^a context containing a key "(.*)", with type "(.*)" and with value "(.*)"$/.exec(text))) {
      w.context[m[1] as string] = typed(m[2] as string, m[3] as string);
    } else if ((m = /^a context containing a nested property with outer key "(.*)" and inner key "(.*)", with value "(.*)"$/.exec(text))) {
      w.context[m[1] as string] = { [m[2] as string]: m[3] as string };
    } else if ((m = /^a context containing a targeting key with value "(.*)"$/.exec(text))) {
      w.context.targetingKey = m[1];
    } else if (text === 'the flag was evaluated with details') {
      w.details = await evaluate(w);
    } else if ((m = /^the resolved details value should be "(.*)"$/.exec(text))) {
      expect(w.details?.value).toEqual(typed(w.type, m[1] as string));
    } else if ((m = /^the reason should be "(.*)"$/.exec(text))) {
      expect(w.details?.reason).toBe(m[1]);
    } else if ((m = /^the error-code should be "(.*)"$/.exec(text))) {
      expect(w.details?.errorCode).toBe(m[1]);
    } else if (text === 'the resolved metadata should contain') {
      const rows = step.argument?.dataTable?.rows.slice(1) ?? [];
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) {
        const [key, type, value] = row.cells.map((c) => c.value) as [string, string, string];
        expect(w.details?.flagMetadata[key]).toEqual(typed(type, value));
      }
    } else if (text === 'the resolved metadata is empty') {
      expect(Object.keys(w.details?.flagMetadata ?? {}).filter((k) => !AIFLAGS_METADATA.includes(k))).toEqual([]);
    } else {
      throw new Error(`no step definition for: ${text}`);
    }
  }
}

const all = pickles();
const legacy = all.filter(({ pickle }) => pickle.tags.some((t) => t.name === '@fractional-v1'));
const runnable = all.filter((p) => !legacy.includes(p));

describe('flagd-testbed evaluator suite (v3.9.0) on the LocalProvider', () => {
  beforeAll(async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'aiflags-flagd-')), 'testkit.flagd.json');
    writeFileSync(file, readFileSync(FLAG_FILE, 'utf8'));
    domain = randomUUID();
    await OpenFeature.setProviderAndWait(domain, new LocalProvider({ file, watch: false }));
  });
  afterAll(() => OpenFeature.clearProviders());

  it('reads every scenario of the suite', () => {
    expect(all.length).toBeGreaterThan(100);
    expect(runnable.length).toBe(all.length - legacy.length);
    expect(runnable.length).toBeGreaterThanOrEqual(125);
  });

  it.each(runnable.map(({ file, pickle }) => [`${file}: ${pickle.name} [${pickle.id.slice(0, 8)}]`, pickle] as const))('%s', async (_name, pickle) => {
    await run(pickle);
  });

  it('loads every flag of the file; the one whose $ref names no evaluator answers PARSE_ERROR naming file, flag and field', () => {
    const doc = JSON.parse(readFileSync(FLAG_FILE, 'utf8')) as { flags: Record<string, unknown> };
    const set = parseFlags(JSON.stringify(doc), 'testkit-flags.flagd.json');
    expect(set.flags.size).toBe(Object.keys(doc.flags).length);
    expect(evaluateFlag(set, 'ref-to-nonexistent-evaluator-flag', {})).toMatchObject({
      errorCode: 'PARSE_ERROR',
      errorMessage: expect.stringContaining(
        "testkit-flags.flagd.json: flag 'ref-to-nonexistent-evaluator-flag', field 'targeting.if[0].$ref': $ref 'nonexistent_evaluator' names no evaluator",
      ),
    });
  });

  it('answers GENERAL where a fractional bucket takes its variant from an attribute naming no variant, as flagd does', () => {
    const set = parseFlags(readFileSync(FLAG_FILE, 'utf8'), 'testkit-flags.flagd.json');
    expect(evaluateFlag(set, 'fractional-nested-var-flag', { targetingKey: 'jon@company.com', color: 'yellow' })).toMatchObject({
      errorCode: 'GENERAL',
      reason: 'ERROR',
    });
    expect(evaluateFlag(set, 'fractional-nested-var-flag', { targetingKey: 'jon@company.com' })).toMatchObject({
      value: 'fallback',
      variant: 'fallback',
      reason: 'DEFAULT',
    });
  });

  it('exported back to flagd, the {var}-variant and any-total-weight flags answer as flagd-core on the original for 2,000 users', () => {
    const text = readFileSync(FLAG_FILE, 'utf8');
    const original = new FlagdCore();
    original.setConfigurations(text);
    const exported = new FlagdCore();
    exported.setConfigurations(JSON.stringify(exportToFlagd(parseFlags(text, 'testkit-flags.flagd.json')).data));
    const answers = new Set<string>();
    for (const key of ['fractional-nested-var-flag', 'fractional-nested-weight-flag']) {
      for (let i = 0; i < 2000; i++) {
        const ctx = {
          targetingKey: `user-${i}`,
          ...(i % 5 !== 0 ? { color: ['red', 'green', 'blue', 'yellow'][i % 4] as string } : {}),
          tier: i % 2 ? 'premium' : 'basic',
        };
        const a = exported.resolveStringEvaluation(key, 'fallback', ctx);
        const b = original.resolveStringEvaluation(key, 'fallback', ctx);
        expect({ value: a.value, reason: a.reason, errorCode: a.errorCode }).toEqual({ value: b.value, reason: b.reason, errorCode: b.errorCode });
        answers.add(`${key}:${b.value}:${b.reason}`);
      }
    }
    expect(answers.size).toBeGreaterThan(6);
  });
});
