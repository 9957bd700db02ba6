import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { ServeToken } from './serve-tokens.js';

/**
 * `write`: the credential may change things (post outcomes, kill or revive); true when no token is configured.
 * A missing or wrong credential is 401; 403 is left to the routes, for a valid token without the right.
 */
export type Authorization = { ok: true; name: string | undefined; write: boolean } | { ok: false; status: 401; details: string };

/**
 * Checks the bearer token or X-API-Key of a request against `tokens` (none configured: every request
 * passes). Every token is compared, each in constant time over its sha256, so timing tells nothing.
 */
export function authorize(headers: IncomingHttpHeaders, tokens: readonly ServeToken[]): Authorization {
  if (tokens.length === 0) return { ok: true, name: undefined, write: true };
  const given = presented(headers);
  if (given === undefined) return { ok: false, status: 401, details: 'missing credentials: send Authorization: Bearer <token> or X-API-Key' };
  const digest = sha256(given);
  let found: ServeToken | undefined;
  for (const token of tokens) {
    if (timingSafeEqual(digest, sha256(token.secret)) && found === undefined) found = token;
  }
  return found === undefined
    ? { ok: false, status: 401, details: 'the token is not valid for this server' }
    : { ok: true, name: found.name, write: found.write === true };
}

function presented(headers: IncomingHttpHeaders): string | undefined {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '')?.[1];
  if (bearer !== undefined) return bearer;
  const key = headers['x-api-key'];
  return (Array.isArray(key) ? key[0] : key)?.trim() || undefined;
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Why an authorized request may not write, or undefined when it may. */
export function writeProblem(auth: Authorization & { ok: true }): string | undefined {
  if (auth.write) return undefined;
  return `token '${auth.name ?? ''}' may only read: writes need a token from AIFLAGS_SERVE_WRITE_TOKEN`;
}
