import { Redis, type RedisOptions } from 'ioredis';
import { redisOptionsFromUrl } from './redis-url.js';

/** Where to connect: a URL (REDIS_URL when absent) or an ioredis client the caller owns. */
export interface RedisConnectionOptions {
  /** redis:// or rediss:// URL; defaults to redis://127.0.0.1:6379 (the aiflags runtime passes REDIS_URL). */
  url?: string;
  /** An existing client; the store duplicates it for its subscription and never closes it. */
  client?: Redis;
}

/** Reconnect delay in ms after `attempt` failed attempts: exponential from 20 ms, capped at 1 s, with jitter. */
export function reconnectDelayMs(attempt: number): number {
  const base = Math.min(1000, 20 * 2 ** Math.min(attempt, 10));
  return Math.round(base / 2 + Math.random() * (base / 2));
}

/** Options every client of the store uses: retry forever with backoff, fail a command fast while offline. */
export const clientDefaults: RedisOptions = {
  retryStrategy: reconnectDelayMs,
  maxRetriesPerRequest: 1,
  connectTimeout: 2000,
  lazyConnect: true,
};

/** The URL a store connects to when none is given. */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** A lazily connecting client with the stores' reconnect settings, for sharing between stores. */
export function createRedisClient(url: string = DEFAULT_REDIS_URL): Redis {
  return new Redis(redisOptionsFromUrl(url, clientDefaults));
}

/** A new client for the options; `owned` says whether the store must close it. */
export function openClient(options: RedisConnectionOptions): { client: Redis; owned: boolean } {
  if (options.client) return { client: options.client, owned: false };
  return { client: createRedisClient(options.url), owned: true };
}

/** A second connection with the same settings (pub/sub needs its own). */
export function duplicateClient(client: Redis): Redis {
  return client.duplicate({ ...clientDefaults });
}

/** Connects a lazy client; a no-op for one already connecting or connected. */
export async function ensureConnected(client: Redis): Promise<void> {
  if (client.status === 'wait') await client.connect();
}

/**
 * Waits (at most `timeoutMs`) for a client that is still making its first connection; true when it is
 * ready. A client that is reconnecting after a loss answers at once, so buffered writers fail fast.
 */
export async function whenReady(client: Redis, timeoutMs: number): Promise<boolean> {
  if (client.status === 'wait') void client.connect().catch(() => undefined);
  if (client.status === 'ready') return true;
  if (client.status !== 'connecting' && client.status !== 'connect') return false;
  return new Promise((resolve) => {
    const done = (ready: boolean) => {
      clearTimeout(timer);
      client.off('ready', onReady);
      client.off('error', onFail);
      client.off('end', onFail);
      resolve(ready);
    };
    const onReady = () => done(true);
    const onFail = () => done(false);
    const timer = setTimeout(onFail, timeoutMs);
    client.once('ready', onReady);
    client.once('error', onFail);
    client.once('end', onFail);
  });
}
