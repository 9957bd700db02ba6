/**
 * The digests the md5 and launchdarkly modes need, behind one small module so the evaluator only sees
 * pure string -> string functions. @noble/hashes is plain JavaScript: the same digests in Node, browsers
 * and edge runtimes (no node:crypto).
 */
import { md5, sha1 } from '@noble/hashes/legacy.js';
import { bytesToHex } from '@noble/hashes/utils.js';

const encoder = new TextEncoder();

/** Hex md5 of the UTF-8 bytes of `s`. */
export function md5Hex(s: string): string {
  return bytesToHex(md5(encoder.encode(s)));
}

/** Hex sha1 of the UTF-8 bytes of `s`. */
export function sha1Hex(s: string): string {
  return bytesToHex(sha1(encoder.encode(s)));
}

/** A hex string read as one big-endian integer, modulo `m` (m < 2^32), without BigInt. */
export function hexMod(hex: string, m: number): number {
  let r = 0;
  for (let i = 0; i < hex.length; i++) {
    const c = hex.charCodeAt(i);
    r = (r * 16 + (c <= 57 ? c - 48 : (c | 32) - 87)) % m;
  }
  return r;
}

/** The md5 digest of `s` (UTF-8) read as one big-endian integer, modulo `m` (m < 2^32), without BigInt. */
export function md5Mod(s: string, m: number): number {
  const digest = md5(encoder.encode(s));
  let r = 0;
  for (let i = 0; i < digest.length; i++) r = (r * 256 + (digest[i] as number)) % m;
  return r;
}
