import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate, parseFlags, type FlagSet, murmur3, rolloutAllocation, splitAllocation } from '../src/index.js';
import { createRolloutBucketer, createSplitBucketer } from '../src/bucketing/bucketers.js';
import {
  FLAGD_TOTAL_WEIGHT,
  flagdBucket,
  flagdScale,
  flagsmithDefaultId,
  flagsmithIdentityKey,
  flagsmithPercentage,
  flagsmithPercentageOf,
  launchDarklyBucket,
  md5Bucket,
  murmur3Bucket,
  UNLEASH_VARIANT_SEED,
  unleashNormalizedValue,
} from '../src/bucketing/bucket-functions.js';
import { hexMod, md5Hex, sha1Hex } from '../src/bucketing/digest.js';
import { murmur3Continue, murmur3js, murmur3Prefix } from '../src/bucketing/murmur3.js';

const require = createRequire(import.meta.url);

describe('murmur3 (MurmurHash3 x86 32-bit over UTF-8)', () => {
  // Reference vectors of Austin Appleby's MurmurHash3_x86_32, as published on
  // https://en.wikipedia.org/wiki/MurmurHash#Algorithm and in SMHasher-based test suites.
  it.each([
    ['', 0, 0x00000000],
    ['', 1, 0x514e28b7],
    ['', 0xffffffff, 0x81f16f39],
    ['aaaa', 0x9747b28c, 0x5a97808a],
    ['aaa', 0x9747b28c, 0x283e0130],
    ['aa', 0x9747b28c, 0x5d211726],
    ['a', 0x9747b28c, 0x7fa09ea6],
    ['abcd', 0x9747b28c, 0xf0478627],
    ['abc', 0x9747b28c, 0xc84a62dd],
    ['ab', 0x9747b28c, 0x74875592],
    ['Hello, world!', 0x9747b28c, 0x24884cba],
    ['The quick brown fox jumps over the lazy dog', 0x9747b28c, 0x2fa826cd],
    ['\u03c0'.repeat(8), 0x9747b28c, 0xd58063c1], // 'ππππππππ' as UTF-8 (16 bytes)
  ])('murmur3(%j, %i) = %i', (input, seed, expected) => {
    expect(murmur3(input, seed)).toBe(expected);
  });

  it('hashes raw bytes like the same string', () => {
    expect(murmur3(new Uint8Array([0, 0, 0, 0]))).toBe(0x2362f9de);
    expect(murmur3(Buffer.from('héllo 😀', 'utf8'), 7)).toBe(murmur3('héllo 😀', 7));
  });

  it('continuing from a precomputed prefix equals hashing the whole string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), (prefix, rest) => {
        expect(murmur3Continue(murmur3Prefix(prefix), rest)).toBe(murmur3(Buffer.from(prefix + rest, 'utf8')));
      }),
      { numRuns: 500 },
    );
  });

  it('bucket = hash of `<salt>/<unit>` % 100000', () => {
    expect(murmur3Bucket('chat-model', 'user-1')).toBe(murmur3('chat-model/user-1') % 100_000);
  });
});

describe('md5 mode: md5("<flag>:<user>") % 100 over the whole 128-bit digest', () => {
  // RFC 1321 appendix A.5 test suite.
  it.each([
    ['', 'd41d8cd98f00b204e9800998ecf8427e'],
    ['a', '0cc175b9c0f1b6a831c399e269772661'],
    ['abc', '900150983cd24fb0d6963f7d28e17f72'],
    ['message digest', 'f96b697d7cb7938d525a2f31aaf161d0'],
  ])('md5(%j)', (input, hex) => {
    expect(md5Hex(input)).toBe(hex);
  });

  it('equals BigInt(digest) % 100 (the hand-written scheme)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string({ unit: 'grapheme' }), (flag, user) => {
        const reference = Number(BigInt(`0x${md5Hex(`${flag}:${user}`)}`) % 100n);
        expect(md5Bucket(flag, user)).toBe(reference);
      }),
      { numRuns: 300 },
    );
    // Worked example: md5("new_system_prompt:user-42") read as one big-endian integer.
    const hex = md5Hex('new_system_prompt:user-42');
    expect(hexMod(hex, 100)).toBe(Number(BigInt(`0x${hex}`) % 100n));
  });

  it('rollout compares bucket < percentage', () => {
    const b = createRolloutBucketer({ hash: 'md5', flagKey: 'f', salt: 'f', groupId: 'f' });
    for (let i = 0; i < 200; i++) {
      const bucket = md5Bucket('f', `u${i}`);
      expect(b.inRollout(`u${i}`, 25)).toBe(bucket < 25);
      expect(b.inRollout(`u${i}`, 25.5)).toBe(bucket < 25.5);
    }
  });
});

describe('launchdarkly mode', () => {
  // Vectors from LaunchDarkly's SDK test suites: go-server-sdk-evaluation evaluator_bucketing_test.go
  // (TestBucketUserByKey, TestBucketUserWithSeed, non-string values), also in node-server-sdk
  // test/evaluator-bucketing-test.js, python-server-sdk testing/impl/test_evaluator_bucketing.py.
  it.each([
    ['userKeyA', undefined, 0.42157587],
    ['userKeyB', undefined, 0.6708485],
    ['userKeyC', undefined, 0.10343106],
    ['userKeyA', 61, 0.09801207],
    ['userKeyB', 61, 0.14483777],
    ['userKeyC', 61, 0.9242641],
    ['33333', undefined, 0.54771423],
  ])('bucket(hashKey, saltyA, %s, seed %s) = %f', (unit, seed, expected) => {
    expect(launchDarklyBucket('hashKey', 'saltyA', unit, seed)).toBeCloseTo(expected, 7);
  });

  it('treats seed 0 as no seed, as LaunchDarkly does', () => {
    expect(launchDarklyBucket('hashKey', 'saltyA', 'userKeyA', 0)).toBe(launchDarklyBucket('hashKey', 'saltyA', 'userKeyA'));
  });

  it('hashes `<key>.<salt>.<unit>` (js-core Bucketer.test.ts input strings)', () => {
    const expected = parseInt(sha1Hex('flag-key.salty.is-key').slice(0, 15), 16) / 1152921504606847e3;
    expect(launchDarklyBucket('flag-key', 'salty', 'is-key')).toBe(expected);
    const seeded = parseInt(sha1Hex('82.is-key').slice(0, 15), 16) / 1152921504606847e3;
    expect(launchDarklyBucket('flag-key', 'salty', 'is-key', 82)).toBe(seeded);
  });

  it('splits over cumulative weights in 1/100000 (C++ SDK BucketingTests: 60000/40000)', () => {
    const split = createSplitBucketer({ hash: 'launchdarkly', flagKey: 'hashKey', salt: 'saltyA', groupId: 'x' }, [60, 40]);
    expect(split.pick('userKeyA')).toBe(0); // 0.42157587
    expect(split.pick('userKeyB')).toBe(1); // 0.6708485
    expect(split.pick('userKeyC')).toBe(0); // 0.10343106
  });

  it('a bucket past the last weight gets the last variation', () => {
    // Weights summing to 99.999 %: a unit above 0.99999 still gets the last variant, never an error.
    const split = createSplitBucketer({ hash: 'launchdarkly', flagKey: 'k', salt: 's', groupId: 'x' }, [50, 49.999]);
    for (let i = 0; i < 300; i++) expect([0, 1]).toContain(split.pick(`u${i}`));
  });

  it('agrees with the LaunchDarkly SDK evaluator on a 10 % rollout', async () => {
    const { init, integrations } = require('@launchdarkly/node-server-sdk') as typeof import('@launchdarkly/node-server-sdk');
    const td = new integrations.TestData();
    td.usePreconfiguredFlag({
      key: 'chat-model',
      version: 1,
      on: true,
      salt: 'chat-model-v1',
      variations: [true, false],
      offVariation: 1,
      fallthrough: {
        rollout: {
          variations: [
            { variation: 0, weight: 10_000 },
            { variation: 1, weight: 90_000 },
          ],
        },
      },
    });
    const client = init('sdk-key', { updateProcessor: td.getFactory(), sendEvents: false, diagnosticOptOut: true, logger: silent });
    await client.waitForInitialization({ timeout: 5 });
    const ours = createRolloutBucketer({ hash: 'launchdarkly', flagKey: 'chat-model', salt: 'chat-model-v1', groupId: 'x' });
    try {
      for (let i = 0; i < 500; i++) {
        const key = `user-${i}-ü`;
        const theirs = await client.variation('chat-model', { kind: 'user', key }, null);
        expect(ours.inRollout(key, 10)).toBe(theirs);
      }
    } finally {
      client.close();
    }
  });
});

const silent = { error() {}, warn() {}, info() {}, debug() {} };

describe('unleash mode', () => {
  // unleash-client-node test/strategy/util-test.ts and unleash-client-java StrategyUtilsTest:
  // "normalized values are the same across node, java, and go clients".
  it.each([
    ['123', 'gr1', 0, 73],
    ['999', 'groupX', 0, 25],
    ['123', 'gr1', UNLEASH_VARIANT_SEED, 96],
    ['999', 'groupX', UNLEASH_VARIANT_SEED, 60],
  ])('normalizedValue(%s, %s, seed %i) = %i', (id, group, seed, expected) => {
    expect(unleashNormalizedValue(group, id, 100, seed)).toBe(expected);
  });

  it('hashes exactly like unleash-client (murmurhash3js), non-ASCII ids included', () => {
    const murmurhash3js = require('murmurhash3js') as { x86: { hash32(s: string, seed?: number): number } };
    const util = require('unleash-client/lib/strategy/util') as {
      normalizedStrategyValue(id: string, groupId: string): number;
      normalizedVariantValue(id: string, groupId: string, normalizer: number): number;
    };
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), (group, id) => {
        expect(murmur3js(`${group}:${id}`, 0)).toBe(murmurhash3js.x86.hash32(`${group}:${id}`, 0));
        expect(unleashNormalizedValue(group, id, 100)).toBe(util.normalizedStrategyValue(id, group));
        expect(unleashNormalizedValue(group, id, 1000, UNLEASH_VARIANT_SEED)).toBe(util.normalizedVariantValue(id, group, 1000));
      }),
      { numRuns: 500 },
    );
  });

  it('differs from the UTF-8 reference on non-ASCII ids (murmurhash3js keeps one byte per UTF-16 unit)', () => {
    expect(murmur3js('ü')).not.toBe(murmur3('ü'));
    expect(murmur3js('plain-ascii', 5)).toBe(murmur3('plain-ascii', 5));
  });

  it('rollout: normalizedValue <= percentage; variants walk weights in 1/1000', () => {
    const settings = { hash: 'unleash', flagKey: 'f', salt: 'f', groupId: 'gr1' } as const;
    expect(createRolloutBucketer(settings).inRollout('123', 73)).toBe(true);
    expect(createRolloutBucketer(settings).inRollout('123', 72)).toBe(false);
    expect(createRolloutBucketer(settings).inRollout('123', 0)).toBe(false);
    // '123' in gr1 with the variant seed: 96 of 100 -> target 960 of 1000 (same hash, % 1000 + 1).
    const target = unleashNormalizedValue('gr1', '123', 1000, UNLEASH_VARIANT_SEED);
    const split = createSplitBucketer(settings, [33.3, 33.3, 33.4]);
    expect(split.pick('123')).toBe(target <= 333 ? 0 : target <= 666 ? 1 : 2);
  });
});

describe('flagd mode', () => {
  const reference = (hash: number, total: number) => Number((BigInt(hash) * BigInt(total)) >> 32n);

  it('(hash * totalWeight) >> 32 is exact for every uint32 hash and int32 total', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 1, max: 0x7fffffff }), (hash, total) => {
        expect(flagdScale(hash, total)).toBe(reference(hash, total));
      }),
      { numRuns: 2000 },
    );
    expect(flagdScale(0xffffffff, FLAGD_TOTAL_WEIGHT)).toBe(FLAGD_TOTAL_WEIGHT - 1);
    expect(flagdScale(0xffffffff, 0x7fffffff)).toBe(0x7ffffffe);
    expect(flagdScale(0, 0x7fffffff)).toBe(0);
  });

  it('bucket = murmur3 of `<seed><unit>` (no separator), scaled to the total weight', () => {
    expect(flagdBucket('headerColor', 'foo@foo.com', 100)).toBe(reference(murmur3('headerColorfoo@foo.com'), 100));
  });

  it('the seed is the salt, the flag key by default; splits walk the weights in the order written', () => {
    const settings = { hash: 'flagd', flagKey: 'f', salt: 'seed-1', groupId: 'seed-1' } as const;
    const split = createSplitBucketer(settings, [20, 30, 50]);
    for (const unit of ['u1', 'u2', 'u3', 'u4', 'u5']) {
      const b = flagdBucket('seed-1', unit, FLAGD_TOTAL_WEIGHT);
      expect(split.pick(unit)).toBe(b < 20_000 ? 0 : b < 50_000 ? 1 : 2);
      expect(createRolloutBucketer(settings).inRollout(unit, 37.5)).toBe(b < 37_500);
    }
  });
});

describe('flagsmith mode', () => {
  // Flagsmith/engine-test-data test_cases (v2): the ids each case hashes and the allocation its comment states.
  it.each([
    ['test_multivariate__no_identity_key__expected_allocation', ['78986', 'test_env_foobar'], 54.53],
    ['test_multivariate__option_a_stronger_priority__expected_flags', ['78986', '32103813'], 49.27],
  ])('%s: md5 of the ids joined with commas, %% 9999, / 9998 x 100 = %s %%', (_name, ids, percent) => {
    expect(Math.floor(flagsmithPercentage(ids) * 100) / 100).toBe(percent);
  });

  it.each([
    ['test_percentage_split__no_identity_key__should_match: 55 % of segment 12345', ['12345', 'test_env_foobar'], 55, true],
    ['test_multivariate__segment_override__expected_allocation: the override option of 50 %', ['1016366', '8AYnz4q3KEfT5DFtnramnP_user-123'], 50, true],
  ])('%s', (_name, ids, threshold, below) => {
    expect(flagsmithPercentage(ids) < threshold).toBe(below);
  });

  it('equals BigInt(md5) % 9999 / 9998 * 100, the SDK formula', () => {
    for (const unit of ['u1', 'user-42', 'ünïcødé', '']) {
      const joined = `7,env_${unit}`;
      const digest = BigInt(`0x${md5Hex(joined)}`);
      expect(flagsmithPercentageOf(joined)).toBe((Number(digest % 9999n) / 9998) * 100);
    }
  });

  it('hashes the ids repeated when the value would be 100, as Flagsmith does', () => {
    let unit = 0;
    while (hexMod(md5Hex(`1,env_${unit}`), 9999) !== 9998) unit++;
    const joined = `1,env_${unit}`;
    expect(flagsmithPercentageOf(joined)).toBe((hexMod(md5Hex(`${joined},${joined}`), 9999) / 9998) * 100);
    expect(flagsmithPercentageOf(joined)).toBeLessThan(100);
  });

  it('the identity key is `<environment key>_<identifier>`; seed is the hashed id, else one derived from the flag key', () => {
    expect(flagsmithIdentityKey('test_env', 'foobar')).toBe('test_env_foobar');
    const settings = { hash: 'flagsmith', flagKey: 'f', salt: 'test_env', groupId: 'test_env' } as const;
    const value = flagsmithPercentage([flagsmithDefaultId('f'), 'test_env_foobar']);
    expect(createRolloutBucketer(settings).inRollout('foobar', value)).toBe(true);
    expect(createRolloutBucketer({ ...settings, seed: 78986 }).inRollout('foobar', 54.54)).toBe(true);
    expect(createRolloutBucketer({ ...settings, seed: 78986 }).inRollout('foobar', 54.5)).toBe(false);
    expect(flagsmithDefaultId('f')).toBe(flagsmithDefaultId('f'));
    expect(flagsmithDefaultId('f')).not.toBe(flagsmithDefaultId('g'));
  });

  it('a split takes option i when start <= value < start + weight, in the order written', () => {
    const settings = { hash: 'flagsmith', flagKey: 'f', salt: 'test_env', groupId: 'test_env', seed: 78986 } as const;
    // 54.53 %: past the first 50, inside the next 10.
    expect(createSplitBucketer(settings, [50, 10, 40]).pick('foobar')).toBe(1);
    expect(createSplitBucketer(settings, [54.54, 45.46]).pick('foobar')).toBe(0);
    expect(createSplitBucketer(settings, [54.53, 45.47]).pick('foobar')).toBe(1);
  });

  it('flag files accept bucketing.seed in flagsmith mode', () => {
    const set = parseFlags(
      'flags:\n  f:\n    variants: { a: 1, b: 2 }\n    defaultVariant: a\n    split: { a: 50, b: 50 }\n    bucketing: { hash: flagsmith, salt: test_env, seed: 78986 }\n',
      'flags.yaml',
    );
    expect(evaluate(set, 'f', { targetingKey: 'foobar' }).variant).toBe('b');
  });
});

describe('allocation order', () => {
  it('puts the treated variant first so raising the percentage keeps treated units', () => {
    expect(rolloutAllocation({ variant: 'treatment', percentage: 33.3 }, 'control')).toEqual([
      { variant: 'treatment', weight: 33.3 },
      { variant: 'control', weight: 66.7 },
    ]);
    expect(splitAllocation({ a: 33, b: 33, c: 34 })).toEqual([
      { variant: 'a', weight: 33 },
      { variant: 'b', weight: 33 },
      { variant: 'c', weight: 34 },
    ]);
  });

  it('keeps a split in the order written, except in unleash mode: by name, as unleash-server stores it', () => {
    const split = { low: 50, mid: 25, high: 25 };
    expect(splitAllocation(split).map((a) => a.variant)).toEqual(['low', 'mid', 'high']);
    expect(splitAllocation(split, 'murmur3').map((a) => a.variant)).toEqual(['low', 'mid', 'high']);
    expect(splitAllocation(split, 'unleash')).toEqual([
      { variant: 'high', weight: 25 },
      { variant: 'low', weight: 50 },
      { variant: 'mid', weight: 25 },
    ]);
  });

  it('assigns every user the same variant in unleash mode whatever order the split is written in', () => {
    const flagFile = (split: string, hash: string) =>
      parseFlags(`flags: { t: { variants: { low: 0.2, mid: 0.5, high: 0.9 }, defaultVariant: low, split: ${split}, bucketing: { hash: ${hash} } } }`, 'f.yaml');
    const assignments = (set: FlagSet) => Array.from({ length: 2_000 }, (_, i) => evaluate(set, 't', { targetingKey: `user-${i}` }).variant);
    const written = '{ low: 50, mid: 25, high: 25 }';
    const byName = '{ high: 25, low: 50, mid: 25 }';
    expect(assignments(flagFile(written, 'unleash'))).toEqual(assignments(flagFile(byName, 'unleash')));
    // The control: in the other modes the written order is the bucket order, so the same reordering moves users.
    expect(assignments(flagFile(written, 'murmur3'))).not.toEqual(assignments(flagFile(byName, 'murmur3')));
  });
});
