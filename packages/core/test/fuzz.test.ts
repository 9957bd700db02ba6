import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { evaluate, FlagConfigError, parseFlags, validateFlags, type FlagSet } from '../src/index.js';
import { VALID_FLAGS_YAML } from '@aiflags/testing';

// Fixed seeds keep CI reproducible; a failure prints the counterexample to add as a fixture.
const SEED = 20261202;
const LINE_BREAK = /[\r\n\u2028\u2029]/;

/** Parsing either succeeds or throws a FlagConfigError whose message is one line. */
function parsesOrRejectsCleanly(run: () => FlagSet): FlagSet | undefined {
  try {
    return run();
  } catch (error) {
    if (!(error instanceof FlagConfigError)) throw new Error(`threw ${String(error)} instead of a FlagConfigError`);
    if (LINE_BREAK.test(error.message)) throw new Error(`a message spans lines: ${JSON.stringify(error.message)}`);
    return undefined;
  }
}

const hostileKey = fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'toString', '<<', '1', 'true', 'a\nb', 'x\u2028y', '\u001b[31mred', ''));
const leaf = fc.oneof(fc.string(), fc.double(), fc.integer(), fc.boolean(), fc.constant(null));
const flagLike = fc.record(
  {
    enabled: fc.oneof(fc.boolean(), leaf),
    percentage: fc.oneof(fc.double({ min: -10, max: 200 }), leaf),
    variants: fc.dictionary(hostileKey, fc.oneof(leaf, fc.dictionary(hostileKey, leaf, { maxKeys: 3 })), { maxKeys: 4 }),
    defaultVariant: fc.oneof(hostileKey, leaf),
    split: fc.dictionary(hostileKey, fc.oneof(fc.double({ min: -5, max: 120 }), leaf), { maxKeys: 4 }),
    rollout: fc.record({ variant: hostileKey, percentage: fc.oneof(fc.double({ min: -5, max: 120 }), leaf) }, { requiredKeys: [] }),
    bucketing: fc.record(
      { hash: fc.constantFrom('murmur3', 'md5', 'launchdarkly', 'unleash', 'flagd', 'flagsmith', 'sha', 1), by: hostileKey },
      { requiredKeys: [] },
    ),
    rules: fc.array(
      fc.record({
        conditions: fc.array(
          fc.record({
            attribute: hostileKey,
            op: fc.constantFrom('in', 'matches', 'lt', 'before', 'semver_gt', 'zz'),
            values: fc.array(leaf, { maxLength: 3 }),
          }),
          { maxLength: 2 },
        ),
        variant: hostileKey,
      }),
      { maxLength: 2 },
    ),
  },
  { requiredKeys: [] },
);
const document = fc.record(
  {
    flags: fc.dictionary(hostileKey, fc.oneof(flagLike, leaf), { maxKeys: 4 }),
    killSwitches: fc.dictionary(
      hostileKey,
      fc.oneof(fc.record({ enabled: fc.boolean(), retryAfter: fc.oneof(fc.integer(), leaf) }, { requiredKeys: [] }), leaf),
      { maxKeys: 2 },
    ),
    segments: fc.dictionary(hostileKey, fc.anything({ maxDepth: 2 }), { maxKeys: 2 }),
  },
  { requiredKeys: [] },
);
const context = fc.oneof(
  fc.dictionary(hostileKey, fc.anything({ maxDepth: 2 })),
  fc.record({ targetingKey: fc.oneof(fc.string(), fc.integer(), fc.double(), fc.constant(undefined)), email: fc.string(), plan: leaf }, { requiredKeys: [] }),
);

describe('fuzz: the parser only ever throws FlagConfigError, in one line; evaluation never throws', () => {
  const valid = parseFlags(VALID_FLAGS_YAML, 'flags.yaml');

  it('arbitrary text (random strings and mutations of a valid file)', () => {
    const mutated = fc
      .tuple(fc.nat({ max: VALID_FLAGS_YAML.length }), fc.nat({ max: 40 }), fc.string({ maxLength: 20 }))
      .map(([at, cut, insert]) => VALID_FLAGS_YAML.slice(0, at) + insert + VALID_FLAGS_YAML.slice(at + cut));
    fc.assert(
      fc.property(fc.oneof(fc.string(), mutated), (text) => {
        parsesOrRejectsCleanly(() => parseFlags(text, 'flags.yaml'));
      }),
      { seed: SEED, numRuns: 1500 },
    );
  });

  it('arbitrary documents, as objects, as JSON text and as YAML-ish JSON; evaluating whatever validates', () => {
    fc.assert(
      fc.property(document, context, (doc, ctx) => {
        for (const set of [
          parsesOrRejectsCleanly(() => validateFlags(doc, 'flags')),
          parsesOrRejectsCleanly(() => parseFlags(JSON.stringify(doc), 'flags.json')),
        ]) {
          if (!set) continue;
          for (const key of [...set.flags.keys(), ...set.killSwitches.keys(), 'missing']) evaluate(set, key, ctx as never);
        }
      }),
      { seed: SEED, numRuns: 1500 },
    );
  });

  it('arbitrary contexts against every flag of a valid file', () => {
    const keys = [...valid.flags.keys(), ...valid.killSwitches.keys()];
    fc.assert(
      fc.property(context, (ctx) => {
        for (const key of keys) {
          const result = evaluate(valid, key, ctx as never);
          expect(result).toHaveProperty('reason');
        }
      }),
      { seed: SEED, numRuns: 3000 },
    );
  });
});
