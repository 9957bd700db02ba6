/** One credential `aiflags serve` accepts: who holds it (for logs and the audit log) and the secret itself. */
export interface ServeToken {
  name: string;
  secret: string;
  /** From AIFLAGS_SERVE_WRITE_TOKEN: may also post outcomes and kill or revive switches in the console. */
  write?: true;
}

/** The credentials `aiflags serve` accepts, and why an entry was refused (serve will not start then). */
export interface ServeAuth {
  tokens: ServeToken[];
  problem?: string;
}

/**
 * The tokens in AIFLAGS_SERVE_TOKEN (read) and AIFLAGS_SERVE_WRITE_TOKEN (read and write): each one secret,
 * or a comma list of `name:secret` entries (a bare secret in a list is named `token-<n>`, or `writer-<n>`).
 * Never throws: an app that does not serve must not stop over it.
 */
export function parseServeTokens(raw: string | undefined, rawWrite?: string): ServeAuth {
  const read = parseList('AIFLAGS_SERVE_TOKEN', raw, 'token', false);
  if (read.problem !== undefined) return read;
  const write = parseList('AIFLAGS_SERVE_WRITE_TOKEN', rawWrite, 'writer', true);
  const tokens = [...read.tokens, ...write.tokens];
  return write.problem === undefined ? { tokens } : { tokens, problem: write.problem };
}

function parseList(variable: string, raw: string | undefined, prefix: string, write: boolean): ServeAuth {
  if (raw === undefined || raw.trim() === '') return { tokens: [] };
  const tokens: ServeToken[] = [];
  for (const [i, entry] of raw.split(',').entries()) {
    const text = entry.trim();
    const colon = text.indexOf(':');
    const secret = colon > 0 ? text.slice(colon + 1) : text;
    if (secret === '') {
      return { tokens, problem: `${variable}: entry ${i + 1} has no secret (expected 'secret' or 'name:secret', comma separated)` };
    }
    const token: ServeToken = { name: colon > 0 ? text.slice(0, colon) : `${prefix}-${i + 1}`, secret };
    tokens.push(write ? { ...token, write: true } : token);
  }
  return { tokens };
}
