import type { IncomingHttpHeaders } from 'node:http';
import { isLoopbackHost } from './loopback-host.js';

/**
 * Why a request that may change things looks like it comes from another site's page, or undefined when it
 * does not: a browser's Origin must name this server, and without tokens (loopback only) the Host must be a
 * loopback name, so a page that rebinds its own DNS name to 127.0.0.1 cannot drive the server.
 * Clients that are not browsers send no Origin and pass.
 */
export function foreignOriginProblem(headers: IncomingHttpHeaders, tokensConfigured: boolean): string | undefined {
  const host = headers.host ?? '';
  if (!tokensConfigured && !isLoopbackHost(hostnameOf(host)))
    return `Host '${host.slice(0, 100)}' is not a loopback name; without tokens the server answers only those`;
  const origin = headers.origin;
  if (origin === undefined) return undefined;
  try {
    if (new URL(origin).host === host) return undefined;
  } catch {
    // 'null' (a sandboxed page or a file) and malformed origins are foreign.
  }
  return `Origin '${origin.slice(0, 100)}' is not this server`;
}

/** `127.0.0.1:8016` → `127.0.0.1`, `[::1]:8016` → `::1`. */
function hostnameOf(host: string): string {
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']'));
  const colon = host.lastIndexOf(':');
  return colon > 0 ? host.slice(0, colon) : host;
}
