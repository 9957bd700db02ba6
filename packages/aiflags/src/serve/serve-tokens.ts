/** One credential `aiflags serve` accepts: who holds it (for people reading logs) and the secret itself. */
export interface ServeToken {
  name: string;
  secret: string;
}

/** The credentials `aiflags serve` accepts, and why an entry was refused (serve will not start then). */
export interface ServeAuth {
  tokens: ServeToken[];
  problem?: string;
}

/**
 * The tokens in AIFLAGS_SERVE_TOKEN: one secret, or a comma list of `name:secret` entries (a bare
 * secret in a list is named `token-<n>`). Never throws: an app that does not serve must not stop over it.
 */
export function parseServeTokens(raw: string | undefined): ServeAuth {
  if (raw === undefined || raw.trim() === '') return { tokens: [] };
  const tokens: ServeToken[] = [];
  const entries = raw.split(',');
  for (const [i, entry] of entries.entries()) {
    const text = entry.trim();
    const colon = text.indexOf(':');
    const secret = colon > 0 ? text.slice(colon + 1) : text;
    if (secret === '') {
      return { tokens, problem: `AIFLAGS_SERVE_TOKEN: entry ${i + 1} has no secret (expected 'secret' or 'name:secret', comma separated)` };
    }
    tokens.push({ name: colon > 0 ? text.slice(0, colon) : `token-${i + 1}`, secret });
  }
  return { tokens };
}
