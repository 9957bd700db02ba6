import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_RESPONSE_TTL_MS } from '@aiflags/metrics';
import { RedisResponseStore } from '@aiflags/redis';
import { freePort } from '@aiflags/testing';
import { deletePrefix, testPrefix, testRedisUrl } from '@aiflags/testing';

const open: Array<{ close(): Promise<void> }> = [];
const prefixes: string[] = [];

function store(options: { ttlMs?: number; url?: string } = {}) {
  const prefix = testPrefix('responses');
  prefixes.push(prefix);
  const s = new RedisResponseStore({ url: testRedisUrl, prefix, ...options });
  open.push(s);
  return s;
}

afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
  for (const p of prefixes.splice(0)) await deletePrefix(p);
});

describe('RedisResponseStore', () => {
  it('keeps one attribution per flag under a key that expires 7 days after the response', async () => {
    const s = store();
    const at = Date.now();
    s.remember('r1', { flagKey: 'chat-model', variant: 'claude', unitId: 'u1', at });
    s.remember('r1', { flagKey: 'prompt', variant: 'brief', at });
    s.remember('r1', { flagKey: 'prompt', variant: 'long', at });
    await s.flush();
    const found = await s.lookup('r1');
    expect(found.sort((a, b) => a.flagKey.localeCompare(b.flagKey))).toEqual([
      { flagKey: 'chat-model', variant: 'claude', unitId: 'u1', at },
      { flagKey: 'prompt', variant: 'long', at },
    ]);
    const redis = new Redis(testRedisUrl);
    try {
      const ttl = await redis.pttl(s.keys.response('r1'));
      expect(ttl).toBeGreaterThan(DEFAULT_RESPONSE_TTL_MS - 10_000);
      expect(ttl).toBeLessThanOrEqual(DEFAULT_RESPONSE_TTL_MS);
    } finally {
      redis.disconnect();
    }
  });

  it('finds nothing for an unknown or expired id, and rejects a bad id without a round trip', async () => {
    const s = store({ ttlMs: 100 });
    s.remember('short-lived', { flagKey: 'f', variant: 'v', at: Date.now() });
    s.remember('', { flagKey: 'f', variant: 'v', at: Date.now() });
    expect((await s.lookup('short-lived')).length).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await s.lookup('short-lived')).toEqual([]);
    expect(await s.lookup('never-made')).toEqual([]);
    expect(s.stats()).toMatchObject({ remembered: 1, rejected: 1, dropped: 0 });
  });

  it('answers many lookups of one tick in one pipeline', async () => {
    const s = store();
    const at = Date.now();
    for (let i = 0; i < 2_000; i++) s.remember(`r${i}`, { flagKey: 'f', variant: i % 2 ? 'b' : 'a', at });
    const found = await Promise.all(Array.from({ length: 2_000 }, (_, i) => s.lookup(`r${i}`)));
    expect(found.map((f) => f[0]?.variant).join('')).toBe('ab'.repeat(1_000));
  });

  it('rejects a lookup when Redis cannot be reached, so it is not taken for an unknown id', async () => {
    const s = store({ url: `redis://127.0.0.1:${await freePort()}` });
    await expect(s.lookup('r1')).rejects.toThrow();
  });
});
