import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { RedisStateStore, redisKeys } from '@aiflags/redis';
import { deletePrefix, recordingLogger, testPrefix, testRedisUrl } from '@aiflags/testing';

const prefixes: string[] = [];
const open: Array<{ close(): Promise<void> | void }> = [];

afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
  for (const p of prefixes.splice(0)) await deletePrefix(p);
});

describe('RedisStateStore: a change and its audit entry go together', () => {
  it('a kill whose audit entry cannot be written (audit key of the wrong type) is not applied', async () => {
    const prefix = testPrefix('audit-fails');
    prefixes.push(prefix);
    const keys = redisKeys(prefix);
    const raw = new Redis(testRedisUrl);
    open.push({ close: () => raw.disconnect() });
    const store = new RedisStateStore({ url: testRedisUrl, prefix, logger: recordingLogger(), versionCheckIntervalMs: 0 });
    open.push(store);
    await store.start();
    await store.setKillSwitch('s0', true);
    // The audit stream replaced by a plain string: XADD fails with WRONGTYPE.
    await raw.del(keys.audit);
    await raw.set(keys.audit, 'not a stream');
    await expect(store.setKillSwitch('s1', true)).rejects.toThrow(/WRONGTYPE.*the change was NOT applied and no audit entry was written/);
    const hash = await raw.hgetall(keys.state);
    expect(hash.v).toBe('1');
    expect(hash['k:s1']).toBeUndefined();
    expect(store.current().killSwitches.s1).toBeUndefined();
  });
});
