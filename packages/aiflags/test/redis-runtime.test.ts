import { afterEach, describe, expect, it } from 'vitest';
import { createRedisRuntime, type RedisRuntime } from '../src/backends/redis.js';
import { deletePrefix, eventually, testPrefix, testRedisUrl } from '@aiflags/testing';

const runtimes: RedisRuntime[] = [];
const prefixes: string[] = [];

afterEach(async () => {
  for (const r of runtimes.splice(0)) await r.close();
  for (const p of prefixes.splice(0)) await deletePrefix(p);
});

async function runtime(prefix: string): Promise<RedisRuntime> {
  const r = await createRedisRuntime({ url: testRedisUrl, prefix });
  runtimes.push(r);
  await r.state.start();
  return r;
}

describe('createRedisRuntime (REDIS_URL backend)', () => {
  it('two app instances share live state, audit log and merged metrics', async () => {
    const prefix = testPrefix('runtime');
    prefixes.push(prefix);
    const app1 = await runtime(prefix);
    const app2 = await runtime(prefix);
    await app1.state.setFlagOverride('chat-model', { percentage: 10 }, { actor: 'rollout-controller' });
    await eventually(() => app2.state.current().flags['chat-model']?.percentage === 10, 2000, 'override reaches app2');
    expect((await app2.state.audit.list({ limit: 1 }))[0]).toMatchObject({ action: 'set-percentage', target: 'chat-model', actor: 'rollout-controller' });

    app1.metrics.recordExposure({ flagKey: 'chat-model', variant: 'treatment', unitId: 'u1' });
    app1.metrics.record({ flagKey: 'chat-model', variant: 'treatment', unitId: 'u1', latencyMs: 420, quality: 4 });
    app2.metrics.record({ flagKey: 'chat-model', variant: 'treatment', unitId: 'u2', latencyMs: 380, quality: 5 });
    await app1.metrics.flush();
    await app2.metrics.flush();
    const merged = await app1.metrics.query('chat-model');
    expect(merged.treatment).toMatchObject({ exposures: 1, outcomes: 2, unitsEstimate: 2 });
    expect(merged.treatment!.quality.mean).toBe(4.5);
  });
});
