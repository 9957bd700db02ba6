import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contentVersion } from '../src/flags/content-version.js';
import { sha256Hex } from '../src/flags/sha256.js';

const nodeSha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

describe('sha256Hex (the content version of a flag file)', () => {
  it.each([
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    ['abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq', '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1'],
  ])('FIPS 180-4 example %j', (text, hex) => {
    expect(sha256Hex(new TextEncoder().encode(text))).toBe(hex);
  });

  it('matches node:crypto at every length around the block and padding boundaries', () => {
    const bytes = Uint8Array.from({ length: 300 }, (_, i) => (i * 131 + 7) & 0xff);
    for (let n = 0; n <= bytes.length; n++) expect(sha256Hex(bytes.subarray(0, n)), `length ${n}`).toBe(nodeSha256(bytes.subarray(0, n)));
  });

  it('matches node:crypto on arbitrary bytes and on a 4 MB file', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => sha256Hex(bytes) === nodeSha256(bytes)));
    const big = new TextEncoder().encode('flags:\n'.concat('  flag-x: { enabled: true, percentage: 10 }\n'.repeat(100_000)));
    expect(sha256Hex(big)).toBe(nodeSha256(big));
  });

  it('versions the UTF-8 text, so non-ASCII text hashes its UTF-8 bytes', () => {
    const text = 'flags:\n  modèle: { enabled: true } # 模型 🚀\n';
    expect(contentVersion(text)).toBe(nodeSha256(Buffer.from(text, 'utf8')).slice(0, 12));
  });
});
