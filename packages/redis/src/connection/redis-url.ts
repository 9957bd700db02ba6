import type { RedisOptions } from 'ioredis';
import { AiflagsError, redactUrl } from '@aiflags/core';

/** Connection settings read from a redis:// or rediss:// URL. */
export interface RedisUrlOptions {
  host: string;
  port: number;
  /** ACL user name (Redis 6+); absent for the default user. */
  username?: string;
  password?: string;
  db: number;
  /** Present for rediss://: TLS with the URL's host as server name. */
  tls?: { servername: string };
}

/** An invalid REDIS_URL, with the reason in the message (the password is never echoed). */
export class RedisUrlError extends AiflagsError {
  override readonly name = 'RedisUrlError';
  readonly code = 'INVALID_REDIS_URL' as const;
}

/**
 * Parses `redis://[user[:password]@]host[:port][/db]` and `rediss://…` (TLS). User and password are
 * percent-decoded, so passwords with `@`, `:` or `/` work when encoded; `redis://:password@host` (no user)
 * authenticates the default user.
 */
export function parseRedisUrl(url: string): RedisUrlOptions {
  // WHATWG URL ends the host at the first `/`, `?` or `#`, so `redis://u:80/ss@h` would parse as host `u`,
  // port 80 and database "ss@h", and the tail of the password would reach the database error below.
  const at = url.lastIndexOf('@');
  const schemeEnd = url.indexOf('://');
  if (at >= 0 && schemeEnd >= 0 && /[/?#]/.test(url.slice(schemeEnd + 3, at))) {
    throw new RedisUrlError(`REDIS_URL "${redactUrl(url)}": the user or password contains an unencoded / ? or #: percent-encode them (%2F %3F %23)`);
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RedisUrlError(
      `REDIS_URL is not a URL: expected redis://[user:password@]host:port or rediss://…, got "${redactUrl(url)}" (percent-encode / @ : in a password: %2F %40 %3A)`,
    );
  }
  const scheme = parsed.protocol;
  if (scheme !== 'redis:' && scheme !== 'rediss:') {
    throw new RedisUrlError(`REDIS_URL scheme "${scheme}" is not supported: expected redis:// or rediss:// (TLS)`);
  }
  // IPv6 hosts come back bracketed; net.connect wants them bare.
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1';
  const port = parsed.port === '' ? 6379 : Number(parsed.port);
  const dbPath = parsed.pathname.replace(/^\//, '');
  const db = dbPath === '' ? 0 : Number(dbPath);
  if (!Number.isInteger(db) || db < 0) {
    throw new RedisUrlError(`REDIS_URL database "${dbPath}" is not a number: expected /0, /1, …`);
  }
  const options: RedisUrlOptions = { host, port, db };
  if (parsed.username !== '') options.username = decodeURIComponent(parsed.username);
  if (parsed.password !== '') options.password = decodeURIComponent(parsed.password);
  if (scheme === 'rediss:') options.tls = { servername: host };
  return options;
}

/** The URL with its password replaced by `***`, for messages and logs (`redactUrl` from @aiflags/core). */
export const redact: (url: string) => string = redactUrl;

/** ioredis options for a URL: parsed connection settings plus the given overrides. */
export function redisOptionsFromUrl(url: string, overrides: RedisOptions = {}): RedisOptions {
  return { ...parseRedisUrl(url), ...overrides };
}
