/**
 * MurmurHash3 x86 32-bit, streaming, allocation-free. A flag's hash prefix (`<salt>/`) is hashed once
 * at parse time into a Murmur3Prefix; each evaluation continues from it over the unit's characters,
 * encoding UTF-8 on the fly instead of building a string or a buffer.
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

/** Hash state after some bytes: running h1, pending tail bytes k1 (n of them), total length. */
export interface Murmur3Prefix {
  readonly h1: number;
  readonly k1: number;
  readonly n: number;
  readonly length: number;
}

// Module-level registers: the hot loop updates these instead of allocating a state object.
let H1 = 0;
let K1 = 0;
let N = 0;
let LEN = 0;

function feed(b: number): void {
  K1 |= b << (N << 3);
  LEN++;
  if (++N === 4) {
    let k = Math.imul(K1, C1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, C2);
    let h = H1 ^ k;
    h = (h << 13) | (h >>> 19);
    H1 = (Math.imul(h, 5) + 0xe6546b64) | 0;
    K1 = 0;
    N = 0;
  }
}

function feedUtf8(s: string): void {
  const len = s.length;
  for (let i = 0; i < len; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      feed(c);
    } else if (c < 0x800) {
      feed(0xc0 | (c >> 6));
      feed(0x80 | (c & 0x3f));
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const d = i + 1 < len ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
        const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        feed(0xf0 | (cp >> 18));
        feed(0x80 | ((cp >> 12) & 0x3f));
        feed(0x80 | ((cp >> 6) & 0x3f));
        feed(0x80 | (cp & 0x3f));
        i++;
      } else {
        // A lone surrogate encodes as U+FFFD, as Buffer.from(s, 'utf8') and TextEncoder do.
        c = 0xfffd;
        feed(0xe0 | (c >> 12));
        feed(0x80 | ((c >> 6) & 0x3f));
        feed(0x80 | (c & 0x3f));
      }
    } else {
      feed(0xe0 | (c >> 12));
      feed(0x80 | ((c >> 6) & 0x3f));
      feed(0x80 | (c & 0x3f));
    }
  }
}

/** Low byte of each UTF-16 code unit: what the `murmurhash3js` package (used by unleash-client) hashes. */
function feedLowBytes(s: string): void {
  for (let i = 0; i < s.length; i++) feed(s.charCodeAt(i) & 0xff);
}

function load(p: Murmur3Prefix): void {
  H1 = p.h1;
  K1 = p.k1;
  N = p.n;
  LEN = p.length;
}

function save(): Murmur3Prefix {
  return Object.freeze({ h1: H1, k1: K1, n: N, length: LEN });
}

function finish(): number {
  let h = H1;
  if (N > 0) {
    let k = Math.imul(K1, C1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, C2);
    h ^= k;
  }
  h ^= LEN;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

type Feeder = (s: string) => void;

function prefixState(feeder: Feeder, prefix: string, seed: number): Murmur3Prefix {
  load({ h1: seed | 0, k1: 0, n: 0, length: 0 });
  feeder(prefix);
  return save();
}

function continueHash(feeder: Feeder, prefix: Murmur3Prefix, s: string): number {
  load(prefix);
  feeder(s);
  return finish();
}

/** The state after hashing `prefix` as UTF-8 with `seed` (uint32). */
export function murmur3Prefix(prefix: string, seed = 0): Murmur3Prefix {
  return prefixState(feedUtf8, prefix, seed);
}

/** Hash of prefix + `s` (UTF-8), as uint32. */
export function murmur3Continue(prefix: Murmur3Prefix, s: string): number {
  return continueHash(feedUtf8, prefix, s);
}

/** MurmurHash3 x86 32-bit of a string's UTF-8 bytes (or of raw bytes), as uint32. */
export function murmur3(input: string | Uint8Array, seed = 0): number {
  if (typeof input === 'string') return continueHash(feedUtf8, prefixState(feedUtf8, '', seed), input);
  load({ h1: seed | 0, k1: 0, n: 0, length: 0 });
  for (let i = 0; i < input.length; i++) feed(input[i] as number);
  return finish();
}

/** The state after hashing `prefix` the way `murmurhash3js` does (low byte of each UTF-16 unit). */
export function murmur3jsPrefix(prefix: string, seed = 0): Murmur3Prefix {
  return prefixState(feedLowBytes, prefix, seed);
}

/** `murmurhash3js` x86.hash32 of prefix + `s`; equals murmur3 on ASCII, differs on other characters. */
export function murmur3jsContinue(prefix: Murmur3Prefix, s: string): number {
  return continueHash(feedLowBytes, prefix, s);
}

/** `murmurhash3js` x86.hash32(s, seed), reproduced exactly (unleash-client's hash). */
export function murmur3js(s: string, seed = 0): number {
  return murmur3jsContinue(murmur3jsPrefix('', seed), s);
}
