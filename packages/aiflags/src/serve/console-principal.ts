import type { IncomingHttpHeaders } from 'node:http';
import { authorize } from './authorize.js';
import type { ConsoleSessions } from './console-sessions.js';
import type { ServeToken } from './serve-tokens.js';

/** Session cookie of the console. */
export const SESSION_COOKIE = 'aiflags_session';

/**
 * Who a console request comes from. `binding` is what its CSRF token is bound to; undefined when the server
 * has no tokens and the browser has no session yet (the console then starts one). `details` says why a
 * credential that was sent is refused; without one there is nothing to explain, only the sign-in form.
 */
export type ConsolePrincipal =
  | { ok: true; name: string | undefined; write: boolean; binding: string | undefined }
  | { ok: false; status: 401; details?: string };

/** A bearer token or X-API-Key (scripts), else the session cookie (browsers), else none. */
export function consolePrincipal(headers: IncomingHttpHeaders, tokens: readonly ServeToken[], sessions: ConsoleSessions): ConsolePrincipal {
  if (headers.authorization !== undefined || headers['x-api-key'] !== undefined) {
    const auth = authorize(headers, tokens);
    if (!auth.ok) return auth;
    return { ok: true, name: auth.name, write: auth.write, binding: `token:${auth.name ?? ''}` };
  }
  const session = sessions.get(cookie(headers.cookie, SESSION_COOKIE));
  if (session !== undefined) return { ok: true, name: session.name, write: session.write, binding: `session:${session.id}` };
  if (tokens.length === 0) return { ok: true, name: undefined, write: true, binding: undefined };
  return { ok: false, status: 401 };
}

/** The value of cookie `name` in a Cookie header. */
export function cookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
