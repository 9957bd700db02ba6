import { afterAll, describe, expect, it } from 'vitest';
import { RedisMetricStore, RedisStateStore } from '@aiflags/redis';
import { startInstances, type Instance } from '@aiflags/testing';
import { PrivateRedis, freePort } from '@aiflags/testing';
import { recordingLogger, testPrefix } from '@aiflags/testing';

const PROCESSES = 10;
const prefix = testPrefix('fault');
let server: PrivateRedis;
let instances: Instance[] = [];

afterAll(async () => {
  await Promise.all(instances.map((i) => i.stop()));
  await server?.kill();
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What `aiflags kill` / `revive` does: a fresh store, one change, close. */
async function flip(url: string, name: string, killed: boolean): Promise<void> {
  const operator = new RedisStateStore({ url, prefix, logger: recordingLogger(), versionCheckIntervalMs: 0 });
  await operator.start();
  await operator.setKillSwitch(name, killed, { actor: 'fault-test' });
  await operator.close();
}

/** Waits until every instance reports `expected` for the switches named in it; returns the time taken in ms. */
async function converge(expected: Record<string, boolean>, timeoutMs = 20_000): Promise<number> {
  const start = Date.now();
  const matches = (killed: Record<string, boolean> | undefined) => Object.entries(expected).every(([k, v]) => killed?.[k] === v);
  await Promise.all(instances.map((i) => (matches(i.killed()) ? undefined : i.waitFor((m) => m.type === 'change' && matches(m.killed), timeoutMs))));
  // waitFor matches any message with those values; make sure the latest one still does.
  expect(instances.map((i) => matches(i.killed()))).toEqual(instances.map(() => true));
  return Date.now() - start;
}

describe('Redis outage: kill the server, restart it twice (private redis-server, no persistence)', () => {
  it('every process converges and no metric beyond the reported drops is lost', { timeout: 600_000 }, async () => {
    server = new PrivateRedis(await freePort());
    await server.start();
    instances = await startInstances(PROCESSES, { REDIS_URL: server.url, AIFLAGS_PREFIX: prefix, RECORD_EVERY_MS: '5' });

    await flip(server.url, 'agent', true);
    const live = await converge({ agent: true });

    await pause(300);
    await server.kill();
    // Instances keep serving the last known state and keep recording while Redis is gone.
    await pause(800);
    expect(instances.every((i) => i.child.exitCode === null && i.killed().agent === true)).toBe(true);
    await server.start();
    // Restart 1 came back empty; this flip lands before or after the instances reconnect and restore.
    await flip(server.url, 'tools', true);
    const afterFirst = await converge({ agent: true, tools: true });

    await server.kill();
    await pause(800);
    await server.start();
    await flip(server.url, 'agent', false);
    const afterSecond = await converge({ agent: false, tools: true });

    await pause(300);
    for (const i of instances) i.send('stop');
    const reports = await Promise.all(instances.map((i) => i.waitFor((m) => m.type === 'stopped', 30_000)));
    const sent = reports.reduce((n, r) => n + r.sent!, 0);
    const dropped = reports.reduce((n, r) => n + r.stats!.dropped, 0);
    const pending = reports.reduce((n, r) => n + r.stats!.pending, 0);

    const reader = new RedisMetricStore({ url: server.url, prefix, flushIntervalMs: 0 });
    const merged = await reader.query('fault-flag');
    await reader.close();
    const stored = (merged.control?.outcomes ?? 0) + (merged.treatment?.outcomes ?? 0);
    console.log(
      `fault test: converged in ${live} ms (live), ${afterFirst} ms after restart 1, ${afterSecond} ms after restart 2; ` +
        `outcomes sent ${sent}, stored ${stored}, reported dropped ${dropped}`,
    );
    // Every instance saw both outages (and came back), so the numbers above went through them.
    for (const i of instances) {
      const lost = i.messages.filter((m) => m.type === 'log' && /lost the connection/.test(m.m ?? '')).length;
      expect(lost).toBeGreaterThanOrEqual(2);
    }
    expect(sent).toBeGreaterThan(PROCESSES * 100);
    expect(pending).toBe(0);
    expect(stored).toBe(sent - dropped);
  });
});
