import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The CSRF token for one binding (`session:<id>` or `token:<name>`): an HMAC under the server's own key,
 * so a page from another site cannot know it and a token for one session is worthless in another.
 */
export function csrfToken(key: Buffer, binding: string): string {
  return createHmac('sha256', key).update(binding).digest('base64url');
}

/** Whether `given` is the CSRF token of `binding`, compared in constant time. */
export function csrfValid(key: Buffer, binding: string, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const expected = Buffer.from(csrfToken(key, binding));
  const actual = Buffer.from(given);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
