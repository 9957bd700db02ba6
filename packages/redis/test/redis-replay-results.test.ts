import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { RedisReplayResults } from '@aiflags/redis';
import { deletePrefix, testPrefix, testRedisUrl } from '@aiflags/testing';

interface Kept {
  flagKey: string;
  flagVersion: string;
  caseId: string;
  variant: string;
  scores: Record<string, number>;
}

const open: Array<{ close(): Promise<void> }> = [];
const prefixes: string[] = [];

function store(options: { prefix?: string; maxRecords?: number; pageSize?: number; ttlMs?: number } = {}) {
  const prefix = options.prefix ?? testPrefix('replay');
  prefixes.push(prefix);
  const s = new RedisReplayResults<Kept>({ url: testRedisUrl, ...options, prefix });
  open.push(s);
  return s;
}

const kept = (caseId: string, variant = 'control', flagVersion = 'shadow'): Kept => ({
  flagKey: 'chat-model',
  flagVersion,
  caseId,
  variant,
  scores: { quality: 1 },
});

afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
  for (const p of prefixes.splice(0)) await deletePrefix(p);
});

describe('RedisReplayResults', () => {
  it('streams a flag version’s results in the order written, page by page, and nothing for an unknown one', async () => {
    const s = store({ pageSize: 3 });
    for (let i = 0; i < 10; i++) await s.append(kept(`r${i}`));
    await s.append(kept('other', 'control', 'v2'));
    const read: string[] = [];
    for await (const r of s.stream('chat-model', 'shadow')) read.push(r.caseId);
    expect(read).toEqual(Array.from({ length: 10 }, (_, i) => `r${i}`));
    expect((await s.load('chat-model', 'v2')).map((r) => r.caseId)).toEqual(['other']);
    expect(await s.load('chat-model', 'never-written')).toEqual([]);
    expect(await s.load('another-flag', 'shadow')).toEqual([]);
  });

  it('lets instances of an app write where a fresh reader in another process finds them all', async () => {
    const prefix = testPrefix('replay-shared');
    const a = store({ prefix });
    const b = store({ prefix });
    await Promise.all([
      a.append(kept('r1', 'control')),
      b.append(kept('r1', 'treatment~shadow')),
      a.append(kept('r2', 'control')),
      b.append(kept('r2', 'treatment~shadow')),
    ]);
    const reader = store({ prefix });
    const read = await reader.load('chat-model', 'shadow');
    expect(read.map((r) => `${r.caseId}/${r.variant}`).sort()).toEqual(['r1/control', 'r1/treatment~shadow', 'r2/control', 'r2/treatment~shadow']);
  });

  it('trims the oldest records past maxRecords and expires a flag version ttlMs after its last write', async () => {
    const s = store({ maxRecords: 100, ttlMs: 60_000 });
    for (let i = 0; i < 1000; i += 100) await Promise.all(Array.from({ length: 100 }, (_, j) => s.append(kept(`r${String(i + j).padStart(4, '0')}`))));
    const read = (await s.load('chat-model', 'shadow')).map((r) => r.caseId);
    // `MAXLEN ~` trims whole stream nodes (100 entries each by default): between 100 and 200 are left, the newest.
    expect(read.length).toBeGreaterThanOrEqual(100);
    expect(read.length).toBeLessThanOrEqual(200);
    expect(read.at(-1)).toBe('r0999');
    expect(read).toEqual([...read].sort());
    const redis = new Redis(testRedisUrl);
    try {
      const ttl = await redis.pttl(s.keys.replay('chat-model', 'shadow'));
      expect(ttl).toBeGreaterThan(50_000);
      expect(ttl).toBeLessThanOrEqual(60_000);
    } finally {
      redis.disconnect();
    }
  });

  it('appends many results in one transaction, in the order given, across flags and versions', async () => {
    const s = store({ ttlMs: 60_000 });
    const many = [kept('a1'), kept('b1', 'control', 'v2'), kept('a2'), { ...kept('c1'), flagKey: 'other-flag' }, kept('a3')];
    await s.appendMany(many);
    await s.appendMany([]);
    expect((await s.load('chat-model', 'shadow')).map((r) => r.caseId)).toEqual(['a1', 'a2', 'a3']);
    expect((await s.load('chat-model', 'v2')).map((r) => r.caseId)).toEqual(['b1']);
    expect((await s.load('other-flag', 'shadow')).map((r) => r.caseId)).toEqual(['c1']);
    const redis = new Redis(testRedisUrl);
    try {
      for (const key of [s.keys.replay('chat-model', 'shadow'), s.keys.replay('chat-model', 'v2'), s.keys.replay('other-flag', 'shadow')]) {
        expect(await redis.pttl(key)).toBeGreaterThan(50_000);
      }
    } finally {
      redis.disconnect();
    }
  });

  it('counts an entry that is not a result as skipped and reads on', async () => {
    const s = store();
    await s.append(kept('r1'));
    const redis = new Redis(testRedisUrl);
    try {
      await redis.xadd(s.keys.replay('chat-model', 'shadow'), '*', 'r', '{not json');
    } finally {
      redis.disconnect();
    }
    await s.append(kept('r2'));
    expect((await s.load('chat-model', 'shadow')).map((r) => r.caseId)).toEqual(['r1', 'r2']);
    expect(s.skipped).toBe(1);
  });

  it('rejects a write when Redis cannot be reached, so the runner counts it as failed', async () => {
    const s = new RedisReplayResults<Kept>({ url: 'redis://127.0.0.1:1', prefix: testPrefix('replay-down') });
    open.push(s);
    await expect(s.append(kept('r1'))).rejects.toThrow();
  });
});
