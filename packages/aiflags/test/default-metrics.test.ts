import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpenFeature } from '@openfeature/server-sdk';
import { afterAll, describe, expect, it } from 'vitest';
import { aiFlags, closeDefaultMetrics, createProvider, defaultMetrics, FileMetricStore, resolveRuntime } from 'aiflags';
import { createRedisMetrics } from '../src/backends/redis.js';
import { deletePrefix, testPrefix, testRedisUrl } from '@aiflags/testing';

describe('aiFlags(client) with no metric store named', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aiflags-default-metrics-'));
  const flags = join(dir, 'flags.yaml');
  writeFileSync(
    flags,
    `flags:
  chat-model:
    variants:
      control: { model: gpt-4o, provider: openai }
      treatment: { model: claude-sonnet-4, provider: anthropic }
    defaultVariant: control
    rollout: { variant: treatment, percentage: 50 }
`,
  );
  afterAll(async () => {
    await closeDefaultMetrics();
    await OpenFeature.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('records to the store `aiflags report` reads (.aiflags/ beside the flag file)', async () => {
    await OpenFeature.setProviderAndWait(await createProvider({ flags, watch: false }));
    const ai = aiFlags(OpenFeature.getClient(), { runtime: { flags }, meter: false });
    const served = new Map<string, number>();
    for (let i = 0; i < 40; i++) {
      const m = await ai.model('chat-model', { targetingKey: `user-${i}` }, { model: 'fallback' });
      m.tracker.record({ quality: 4, costUsd: 0.001 });
      served.set(m.variant, (served.get(m.variant) ?? 0) + 1);
    }
    const store = defaultMetrics({ flags });
    expect(store).toBeInstanceOf(FileMetricStore);
    await store.flush();

    const runtime = await resolveRuntime({ flags });
    try {
      const aggregates = await runtime.metrics.query('chat-model');
      for (const [variant, count] of served) {
        expect(aggregates[variant]?.exposures).toBe(count);
        expect(aggregates[variant]?.quality.count).toBe(count);
      }
    } finally {
      await runtime.close();
    }
  });

  it('records to Redis with REDIS_URL and writes what it still buffers on closeDefaultMetrics()', async () => {
    const prefix = testPrefix('default-metrics');
    const runtime = { flags, redisUrl: testRedisUrl, redisPrefix: prefix };
    await OpenFeature.setProviderAndWait(await createProvider({ flags, watch: false }));
    const ai = aiFlags(OpenFeature.getClient(), { runtime, meter: false });
    const served = new Map<string, number>();
    for (let i = 0; i < 30; i++) {
      const m = await ai.model('chat-model', { targetingKey: `user-${i}` }, { model: 'fallback' });
      m.tracker.record({ quality: 3, latencyMs: 100 + i });
      served.set(m.variant, (served.get(m.variant) ?? 0) + 1);
    }
    expect(defaultMetrics(runtime).stats().dropped).toBe(0);
    await closeDefaultMetrics(); // the loop takes far less than the store's 1 s flush interval: the close writes them

    const reader = createRedisMetrics({ url: testRedisUrl, prefix });
    try {
      const aggregates = await reader.query('chat-model');
      for (const [variant, count] of served) {
        expect(aggregates[variant]?.exposures).toBe(count);
        expect(aggregates[variant]?.latency.count).toBe(count);
      }
    } finally {
      await reader.close();
      await deletePrefix(prefix);
    }
  });
});
