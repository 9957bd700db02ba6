import { afterAll, describe, expect, it } from 'vitest';
import { RedisStateStore } from '@aiflags/redis';
import { startInstances, type Instance } from '../packages/redis/test/helpers/fleet.js';
import { deletePrefix, testPrefix, testRedisUrl } from '../packages/redis/test/helpers/redis-test-env.js';

const PROCESSES = 12;
const prefix = testPrefix('multi-process');
let instances: Instance[] = [];

afterAll(async () => {
  await Promise.all(instances.map((i) => i.stop()));
  await deletePrefix(prefix);
});

describe(`kill switch across ${PROCESSES} processes (real Redis)`, () => {
  it('one kill reaches every process; the slowest arrival is reported', { timeout: 600_000 }, async () => {
    instances = await startInstances(PROCESSES, { REDIS_URL: testRedisUrl, AIFLAGS_PREFIX: prefix });
    const operator = new RedisStateStore({ url: testRedisUrl, prefix });
    await operator.start();
    try {
      const flippedAt = performance.timeOrigin + performance.now();
      await operator.setKillSwitch('ai_agent_enabled', true, { actor: 'oncall', reason: 'agent loops on tool calls' });
      const arrivals = await Promise.all(
        instances.map((i) => i.waitFor((m) => m.type === 'change' && m.killed?.ai_agent_enabled === true, 10_000)),
      );
      const delays = arrivals.map((m) => m.at! - flippedAt).sort((a, b) => a - b);
      console.log(
        `kill switch reached ${PROCESSES} processes: slowest ${delays.at(-1)!.toFixed(2)} ms, median ${delays[Math.floor(PROCESSES / 2)]!.toFixed(2)} ms after the flip`,
      );
      expect(instances.every((i) => i.killed().ai_agent_enabled === true)).toBe(true);
      expect(new Set(arrivals.map((m) => m.version))).toEqual(new Set([1]));

      await operator.setKillSwitch('ai_agent_enabled', false, { actor: 'oncall' });
      await Promise.all(instances.map((i) => i.waitFor((m) => m.type === 'change' && m.killed?.ai_agent_enabled === false)));
      const log = await operator.audit.list({ target: 'ai_agent_enabled' });
      expect(log.map((e) => [e.action, e.actor])).toEqual([
        ['revive', 'oncall'],
        ['kill', 'oncall'],
      ]);
    } finally {
      await operator.close();
    }
  });
});
