/**
 * The bucket a unit falls in, per mode, exactly as the DESIGN contract states. These are the reference
 * functions (tests and exporters use them); bucketers.ts holds the precompiled hot-path versions.
 */
import { md5Mod, sha1Hex } from './digest.js';
import { murmur3, murmur3js } from './murmur3.js';

/** murmur3 mode: MurmurHash3 x86 32 (seed 0) of UTF-8 `<salt>/<unit>`, modulo 100000 (0.001 % steps). */
export function murmur3Bucket(salt: string, unit: string): number {
  return murmur3(`${salt}/${unit}`) % MURMUR3_BUCKETS;
}
export const MURMUR3_BUCKETS = 100_000;

/** md5 mode: the whole md5 digest of `<salt>:<unit>` as one big-endian integer, modulo 100 (0-99). */
export function md5Bucket(salt: string, unit: string): number {
  return md5Mod(`${salt}:${unit}`, 100);
}

/** LaunchDarkly's bucket value in [0, 1): sha1 of `<key>.<salt>.<unit>` (or `<seed>.<unit>`), first 15 hex / 0xFFFFFFFFFFFFFFF. */
export function launchDarklyBucket(flagKey: string, salt: string, unit: string, seed?: number): number {
  // `seed ? ...` on purpose: LaunchDarkly treats seed 0 as no seed.
  const prefix = seed ? String(Number(seed)) : `${flagKey}.${salt}`;
  return parseInt(sha1Hex(`${prefix}.${unit}`).substring(0, 15), 16) / LD_LONG_SCALE;
}
/** 0xFFFFFFFFFFFFFFF as the double LaunchDarkly's SDKs divide by. */
export const LD_LONG_SCALE = 1152921504606847e3;

/** unleash-client's `normalizedValue`: murmurhash3js of `<groupId>:<unit>` with `seed`, `% normalizer + 1`. */
export function unleashNormalizedValue(groupId: string, unit: string, normalizer: number, seed = 0): number {
  return (murmur3js(`${groupId}:${unit}`, seed) % normalizer) + 1;
}
/** unleash-client's seed for variant selection (its strategy rollout uses seed 0). */
export const UNLEASH_VARIANT_SEED = 86028157;

/**
 * flagd's fractional (v2) bucket in [0, totalWeight): murmur3 x86 32 (seed 0) of UTF-8 `<seed><unit>`, times
 * `totalWeight` (an integer), shifted right 32. Exact in a double while totalWeight < 2^21 (the product stays
 * below 2^53); past that, BigInt.
 */
export function flagdBucket(seed: string, unit: string, totalWeight: number): number {
  return flagdScale(murmur3(`${seed}${unit}`), totalWeight);
}

/** `(hash * totalWeight) >> 32` for a uint32 hash, without losing precision. */
export function flagdScale(hash: number, totalWeight: number): number {
  if (totalWeight < FLAGD_EXACT_WEIGHT) return Math.floor((hash * totalWeight) / 2 ** 32);
  return Number((BigInt(hash) * BigInt(totalWeight)) >> 32n);
}
/** Total weights below this scale a uint32 hash exactly in a double. */
const FLAGD_EXACT_WEIGHT = 2 ** 21;
/** The total weight a flagd-mode rollout or split buckets over: percent in 1/1000 steps. */
export const FLAGD_TOTAL_WEIGHT = 100_000;

/**
 * Flagsmith's hashed percentage in [0, 100) of `ids` joined with commas (its `getHashedPercentageForObjIds`):
 * the md5 digest as one integer, % 9999, / 9998 × 100. The one value that comes out as 100 is hashed again
 * with the ids repeated, as Flagsmith does.
 */
export function flagsmithPercentage(ids: readonly (string | number)[]): number {
  return flagsmithPercentageOf(ids.join(','));
}

/** `flagsmithPercentage` of ids already joined with commas. */
export function flagsmithPercentageOf(joined: string): number {
  for (let toHash = joined; ; toHash = `${toHash},${joined}`) {
    const value = (md5Mod(toHash, FLAGSMITH_MODULUS) / (FLAGSMITH_MODULUS - 1)) * 100;
    if (value !== 100) return value;
  }
}
const FLAGSMITH_MODULUS = 9999;

/** Flagsmith's identity key: `<environment api key>_<identifier>`, what its percentage splits hash. */
export function flagsmithIdentityKey(environmentKey: string, identifier: string): string {
  return `${environmentKey}_${identifier}`;
}

/**
 * The Flagsmith id a flagsmith-mode flag hashes when `bucketing.seed` is not written (the segment id of its
 * rollout, the feature-state id of its split): stable per flag key, 1 to 999 999 999.
 */
export function flagsmithDefaultId(flagKey: string): number {
  return md5Mod(`aiflags:${flagKey}`, 999_999_999) + 1;
}
