/**
 * MurmurHash3 x86 32-bit, allocation-free. A flag's hash prefix (`<salt>/`) is hashed once at parse time
 * into a Murmur3Prefix; each evaluation continues from it over the unit's characters, encoding UTF-8 on
 * the fly (four ASCII characters per block on the fast path) instead of building a string or a buffer.
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

/** Hash state after some bytes: running h1, pending tail bytes k1 (n of them), total length in bytes. */
export interface Murmur3Prefix {
  readonly h1: number;
  readonly k1: number;
  readonly n: number;
  readonly length: number;
}

/** How characters become bytes: UTF-8, or the low byte of each UTF-16 unit (what `murmurhash3js` does). */
type Encoding = 'utf8' | 'low-byte';

const EMPTY: Murmur3Prefix = Object.freeze({ h1: 0, k1: 0, n: 0, length: 0 });

function mixK(k: number): number {
  k = Math.imul(k, C1);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, C2);
}

function mixH(h: number, k: number): number {
  h ^= mixK(k);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * Continues state `p` over `s` and returns the final hash as an int32 (`>>> 0` gives the uint32): a uint32
 * above 2^31 returned from a call that is not inlined is boxed as a heap number, an int32 is not.
 * `out.state` receives the state before finishing.
 */
function run(p: Murmur3Prefix, s: string, encoding: Encoding, out?: { state?: Murmur3Prefix }): number {
  let h1 = p.h1;
  let k1 = p.k1;
  let n = p.n;
  let len = p.length;
  const lowByte = encoding === 'low-byte';
  const sl = s.length;
  let i = 0;
  while (i < sl) {
    if (n === 0 && i + 3 < sl) {
      const c0 = s.charCodeAt(i);
      const c1 = s.charCodeAt(i + 1);
      const c2 = s.charCodeAt(i + 2);
      const c3 = s.charCodeAt(i + 3);
      if (lowByte || (c0 | c1 | c2 | c3) < 0x80) {
        h1 = mixH(h1, (c0 & 0xff) | ((c1 & 0xff) << 8) | ((c2 & 0xff) << 16) | ((c3 & 0xff) << 24));
        len += 4;
        i += 4;
        continue;
      }
    }
    const c = s.charCodeAt(i++);
    // Up to four bytes packed little-endian in `packed`, `count` of them.
    let packed: number;
    let count: number;
    if (c < 0x80 || lowByte) {
      packed = c & 0xff;
      count = 1;
    } else if (c < 0x800) {
      packed = 0xc0 | (c >> 6) | ((0x80 | (c & 0x3f)) << 8);
      count = 2;
    } else {
      const d = i < sl ? s.charCodeAt(i) : 0;
      if (c >= 0xd800 && c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
        const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        packed = 0xf0 | (cp >> 18) | ((0x80 | ((cp >> 12) & 0x3f)) << 8) | ((0x80 | ((cp >> 6) & 0x3f)) << 16) | ((0x80 | (cp & 0x3f)) << 24);
        count = 4;
        i++;
      } else {
        // A lone surrogate encodes as U+FFFD, as TextEncoder does.
        const u = c >= 0xd800 && c <= 0xdfff ? 0xfffd : c;
        packed = 0xe0 | (u >> 12) | ((0x80 | ((u >> 6) & 0x3f)) << 8) | ((0x80 | (u & 0x3f)) << 16);
        count = 3;
      }
    }
    len += count;
    for (let j = 0; j < count; j++) {
      k1 |= ((packed >>> (j << 3)) & 0xff) << (n << 3);
      if (++n === 4) {
        h1 = mixH(h1, k1);
        k1 = 0;
        n = 0;
      }
    }
  }
  if (out !== undefined) out.state = Object.freeze({ h1, k1, n, length: len });
  if (n > 0) h1 ^= mixK(k1);
  return fmix(h1 ^ len);
}

function prefixState(prefix: string, seed: number, encoding: Encoding): Murmur3Prefix {
  const out: { state?: Murmur3Prefix } = {};
  run({ ...EMPTY, h1: seed | 0 }, prefix, encoding, out);
  return out.state as Murmur3Prefix;
}

/** The state after hashing `prefix` as UTF-8 with `seed` (uint32). */
export function murmur3Prefix(prefix: string, seed = 0): Murmur3Prefix {
  return prefixState(prefix, seed, 'utf8');
}

/** Hash of prefix + `s` (UTF-8), as uint32. */
export function murmur3Continue(prefix: Murmur3Prefix, s: string): number {
  return run(prefix, s, 'utf8') >>> 0;
}

/** MurmurHash3 x86 32-bit of a string's UTF-8 bytes (or of raw bytes), as uint32. */
export function murmur3(input: string | Uint8Array, seed = 0): number {
  if (typeof input === 'string') return run({ ...EMPTY, h1: seed | 0 }, input, 'utf8') >>> 0;
  // Each byte becomes one character with that code, so low-byte hashing reads the bytes back.
  let text = '';
  for (let i = 0; i < input.length; i += 8192) text += String.fromCharCode(...input.subarray(i, i + 8192));
  return run({ ...EMPTY, h1: seed | 0 }, text, 'low-byte') >>> 0;
}

/** The state after hashing `prefix` the way `murmurhash3js` does (low byte of each UTF-16 unit). */
export function murmur3jsPrefix(prefix: string, seed = 0): Murmur3Prefix {
  return prefixState(prefix, seed, 'low-byte');
}

/** `murmurhash3js` x86.hash32 of prefix + `s`; equals murmur3 on ASCII, differs on other characters. */
export function murmur3jsContinue(prefix: Murmur3Prefix, s: string): number {
  return run(prefix, s, 'low-byte') >>> 0;
}

/** `murmurhash3js` x86.hash32(s, seed), reproduced exactly (unleash-client's hash). */
export function murmur3js(s: string, seed = 0): number {
  return run({ ...EMPTY, h1: seed | 0 }, s, 'low-byte') >>> 0;
}
