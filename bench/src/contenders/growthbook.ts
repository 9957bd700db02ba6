import { GrowthBookClient } from '@growthbook/growthbook';
import type { BenchFlag, Contender } from '../contender.js';

/** GrowthBook feature: a force rule with coverage, GrowthBook's percentage rollout (coverage is a fraction 0-1). */
export function growthBookFeatures(flag: BenchFlag): Record<string, unknown> {
  return {
    [flag.key]: { defaultValue: false, rules: [{ force: true, coverage: flag.percentage / 100, hashAttribute: 'id' }] },
  };
}

/** `GrowthBookClient.isOn`, the multi-user server client: one instance, a user context per call. */
export async function growthBook(flag: BenchFlag): Promise<Contender> {
  const client = new GrowthBookClient();
  client.initSync({ payload: { features: growthBookFeatures(flag) as never } });
  const contexts = flag.userKeys.map((id) => ({ attributes: { id } }));
  const key = flag.key;
  return {
    name: '@growthbook/growthbook',
    kind: 'raw',
    runBatch() {
      let hits = 0;
      for (let i = 0; i < contexts.length; i++) {
        if (client.isOn(key, contexts[i]!)) hits++;
      }
      return hits;
    },
    close() {
      client.destroy();
    },
  };
}
