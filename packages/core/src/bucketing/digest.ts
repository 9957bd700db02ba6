/**
 * The digests the md5 and launchdarkly modes need, behind one small module so the evaluator only sees
 * pure string -> string functions (node:crypto is CPU work, no I/O).
 */
import { createHash } from 'node:crypto';

/** Hex md5 of the UTF-8 bytes of `s`. */
export function md5Hex(s: string): string {
  return createHash('md5').update(s, 'utf8').digest('hex');
}

/** Hex sha1 of the UTF-8 bytes of `s`. */
export function sha1Hex(s: string): string {
  return createHash('sha1').update(s, 'utf8').digest('hex');
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
  const digest = createHash('md5').update(s, 'utf8').digest();
  let r = 0;
  for (let i = 0; i < digest.length; i++) r = (r * 256 + (digest[i] as number)) % m;
  return r;
}
