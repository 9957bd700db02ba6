/** The default flag-set version: the first 12 hex digits of the SHA-256 of the file's UTF-8 text (portable, no node:crypto). */
import { sha256Hex } from './sha256.js';

const encoder = new TextEncoder();

export function contentVersion(text: string): string {
  return sha256Hex(encoder.encode(text)).slice(0, 12);
}
