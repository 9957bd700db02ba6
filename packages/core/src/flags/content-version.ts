/** The default flag-set version: the first 12 hex digits of the SHA-256 of the file's UTF-8 text (portable, no node:crypto). */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

export function contentVersion(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(text))).slice(0, 12);
}
