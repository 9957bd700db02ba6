import { isLoopbackHost } from './loopback-host.js';
import type { ServeAuth } from './serve-tokens.js';

/** Why `aiflags serve` must not start on `host` with `auth`, or undefined when it may. */
export function serveAuthProblem(host: string, auth: ServeAuth): string | undefined {
  if (auth.problem !== undefined) return auth.problem;
  if (auth.tokens.length > 0 || isLoopbackHost(host)) return undefined;
  return `aiflags serve: --host ${host} accepts connections from other machines; set AIFLAGS_SERVE_TOKEN (a token, or name:secret entries) or bind 127.0.0.1`;
}
