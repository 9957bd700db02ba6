/**
 * `aiflags kill` confirms delivery on a real Redis, with 20 real processes (test/support/flag-app.ts):
 * every one confirms; a SIGSTOPped one is named; a shell on another key prefix is told nobody reads it;
 * a corrupted presence record is ignored; 1,000 registered instances cost one read.
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InstanceRecord } from '@aiflags/core';
import { watchDelivery } from '@aiflags/provider';
import { RedisPresenceStore, RedisStateStore } from '@aiflags/redis';
import { deletePrefix, testRedisUrl } from '@aiflags/testing';
import { DENIED, flagsFile, type KillJson } from './support/delivery-fixtures.js';
import { startApps, type FlagApp } from './support/flag-app-fleet.js';
import { runCli } from './support/run-cli.js';

describe('on Redis: 20 processes', () => {
  const name = `delivery-${randomUUID().slice(0, 8)}`;
  const prefix = `aiflags:${name}`;
  const { dir, file } = flagsFile();
  const env = { REDIS_URL: testRedisUrl, AIFLAGS_ENV: name };
  let apps: FlagApp[] = [];

  beforeAll(async () => {
    // The default heartbeat (5 s): a process stopped for the length of a CLI run is still counted alive, so it must be named.
    apps = await startApps(20, { AIFLAGS_FLAGS: file, ...env, HEARTBEAT_MS: '5000' }, 'redis-app');
  }, 120_000);
  afterAll(async () => {
    await Promise.all(apps.map((a) => a.stop()));
    await deletePrefix(prefix);
    rmSync(dir, { recursive: true, force: true });
  });

  it('kill reports 20 of 20, and every process refuses', { timeout: 60_000 }, async () => {
    const kill = await runCli(['kill', 'ai_agent_enabled', '--flags', file, '--json'], { env });
    expect(kill.stderr).toBe('');
    expect(kill.code).toBe(0);
    const json = JSON.parse(kill.stdout) as KillJson;
    expect(json.store).toContain(`prefix ${prefix}`);
    expect(json.instances).toMatchObject({ confirmed: 20, total: 20, missing: [] });
    for (const app of apps) expect(await app.guard('ai_agent_enabled')).toEqual(DENIED);
  });

  it('one process SIGSTOPped is named as missing and the command exits non-zero; the change is still written', { timeout: 60_000 }, async () => {
    const stopped = apps[7]!;
    stopped.child.kill('SIGSTOP');
    try {
      const revive = await runCli(['revive', 'ai_agent_enabled', '--flags', file, '--wait', '1'], { env });
      expect(revive.code).toBe(2);
      expect(revive.stdout).toContain('applied by 19 of 20 instances');
      expect(revive.stderr).toContain(`1 of 20 instances did not confirm`);
      expect(revive.stderr).toContain(`redis-app-7 pid ${stopped.pid}`);
      expect(revive.stderr).toContain(`prefix ${prefix}`);
    } finally {
      stopped.child.kill('SIGCONT');
    }
    // Resumed, it catches up from Redis.
    const deadline = Date.now() + 10_000;
    while ((await stopped.guard('ai_agent_enabled')) !== null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(await stopped.guard('ai_agent_enabled')).toBeNull();
  });

  it('from a shell with another AIFLAGS_ENV (another key prefix): "no instance reads this store", exit non-zero, state written there', {
    timeout: 60_000,
  }, async () => {
    const other = `${name}-other`;
    const kill = await runCli(['kill', 'ai_agent_enabled', '--flags', file, '--wait', '0.5'], { env: { ...env, AIFLAGS_ENV: other } });
    try {
      expect(kill.code).toBe(2);
      expect(kill.stderr).toContain('no instance reads this store');
      expect(kill.stderr).toContain(`prefix aiflags:${other}`);
      const store = new RedisStateStore({ url: testRedisUrl, prefix: `aiflags:${other}` });
      try {
        expect((await store.start()).killSwitches.ai_agent_enabled?.killed).toBe(true);
      } finally {
        await store.close();
      }
      // The apps on the real prefix never saw it.
      expect(await apps[0]!.guard('ai_agent_enabled')).toBeNull();
    } finally {
      await deletePrefix(`aiflags:${other}`);
    }
  });

  it('a corrupted presence record in Redis is ignored by instances and kill', { timeout: 60_000 }, async () => {
    const client = new Redis(testRedisUrl);
    try {
      await client.hset(`${prefix}:instances`, 'corrupt', '{"id":"corrupt","pid":-1}');
    } finally {
      client.disconnect();
    }
    const listed = JSON.parse((await runCli(['instances', '--flags', file, '--json'], { env })).stdout) as { skipped: number; instances: InstanceRecord[] };
    expect(listed.skipped).toBe(1);
    expect(listed.instances).toHaveLength(20);
    const kill = await runCli(['kill', 'ai_agent_enabled', '--flags', file, '--json'], { env });
    expect(kill.code).toBe(0);
    expect((JSON.parse(kill.stdout) as KillJson).instances).toMatchObject({ confirmed: 20, total: 20 });
  });
});

describe('1,000 registered instances', () => {
  const prefix = `aiflags-test:presence-1000:${randomUUID().slice(0, 8)}`;
  afterAll(() => deletePrefix(prefix));

  const record = (i: number, version: number): InstanceRecord => ({
    id: `fake-${i}`,
    host: 'bench',
    pid: 10_000 + i,
    app: `fake-${i}`,
    store: 'test',
    layer: 'local',
    backend: 'local',
    liveStateVersion: version,
    startedAt: Date.now(),
    lastSeen: Date.now(),
    heartbeatMs: 60_000,
  });

  it('waiting for them reads the presence records once, whether they confirm or not', async () => {
    const presence = new RedisPresenceStore({ url: testRedisUrl, prefix });
    const client = new Redis(testRedisUrl);
    try {
      const pipeline = client.pipeline();
      for (let i = 0; i < 1000; i++) pipeline.hset(`${prefix}:instances`, `fake-${i}`, JSON.stringify(record(i, i < 500 ? 7 : 6)));
      await pipeline.exec();
      let reads = 0;
      const list = presence.list.bind(presence);
      presence.list = () => {
        reads++;
        return list();
      };
      // 500 already at version 7; the other 500 confirm through the acks channel, as instances do.
      const wait = await watchDelivery(presence);
      const started = performance.now();
      const pending = wait.until(7, 10_000, started);
      for (let i = 500; i < 1000; i++) await presence.announce(record(i, 7));
      const report = await pending;
      expect(report).toMatchObject({ total: 1000, confirmed: 1000, missing: [] });
      expect(reads).toBe(1);

      // Nobody confirms version 8: one read, then the wait ends at its bound with all 1,000 named.
      const again = await watchDelivery(presence);
      const unconfirmed = await again.until(8, 200, performance.now());
      expect(unconfirmed.total).toBe(1000);
      expect(unconfirmed.missing).toHaveLength(1000);
      expect(reads).toBe(2);
    } finally {
      client.disconnect();
      await presence.close();
    }
  });
});
