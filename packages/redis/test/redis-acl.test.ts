import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStateStore, redisOptionsFromUrl } from '@aiflags/redis';
import { PrivateRedis, freePort } from '@aiflags/testing';
import { recordingLogger } from '@aiflags/testing';

// ACL users are server-wide, so this runs on a private redis-server rather than the shared one.
let server: PrivateRedis;

beforeAll(async () => {
  server = new PrivateRedis(await freePort());
  await server.start();
  const admin = new Redis(server.url);
  await admin.acl('SETUSER', 'flags-app', 'on', '>p@ss:w/rd', '~*', '&*', '+@all');
  await admin.config('SET', 'requirepass', 'admin-only');
  admin.disconnect();
});

afterAll(async () => {
  await server?.kill();
});

describe('ACL user and password from the URL (private redis-server)', () => {
  it('connects as the ACL user with a percent-encoded password', async () => {
    const url = `redis://flags-app:${encodeURIComponent('p@ss:w/rd')}@127.0.0.1:${server.port}`;
    const store = new RedisStateStore({ url, prefix: 'acl-test', logger: recordingLogger() });
    await store.start();
    const state = await store.setKillSwitch('agent', true);
    expect(state.killSwitches.agent?.killed).toBe(true);
    await store.close();
  });

  it('a wrong password fails start() with a message that does not echo it', async () => {
    const store = new RedisStateStore({ url: `redis://flags-app:wrong-secret@127.0.0.1:${server.port}`, prefix: 'acl-test', logger: recordingLogger() });
    const error = await store.start().then(
      () => undefined,
      (e: Error) => e,
    );
    await store.close();
    expect(error?.message).toMatch(/cannot load live state from Redis at redis:\/\/flags-app:\*\*\*@127\.0\.0\.1/);
    expect(error?.message).toMatch(/WRONGPASS|invalid username-password/);
    expect(error?.message).not.toMatch(/wrong-secret/);
  });

  it('rediss:// turns TLS on for ioredis, with the host as server name', () => {
    expect(redisOptionsFromUrl('rediss://flags-app:tok@cache.example.com:6380/3')).toMatchObject({
      host: 'cache.example.com',
      port: 6380,
      db: 3,
      username: 'flags-app',
      password: 'tok',
      tls: { servername: 'cache.example.com' },
    });
  });
});
