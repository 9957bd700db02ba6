import { InMemStorageProvider, Unleash, UnleashEvents } from 'unleash-client';
import type { BenchFlag, Contender } from '../contender.js';

/** Unleash feature with a flexibleRollout strategy on the default stickiness (userId). */
export function unleashFeature(flag: BenchFlag): Record<string, unknown> {
  return {
    name: flag.key,
    enabled: true,
    type: 'release',
    project: 'default',
    stale: false,
    strategies: [
      {
        name: 'flexibleRollout',
        constraints: [],
        parameters: { rollout: String(flag.percentage), stickiness: 'default', groupId: flag.key },
      },
    ],
    variants: [],
  };
}

/**
 * `Unleash.isEnabled` on bootstrapped data. The URL points at a closed port but is never called:
 * refreshInterval 0 disables polling and metrics are off, so the run is offline and quiet.
 */
export async function unleash(flag: BenchFlag): Promise<Contender> {
  const client = new Unleash({
    appName: 'aiflags-bench',
    url: 'http://127.0.0.1:9/api/',
    refreshInterval: 0,
    disableMetrics: true,
    skipInstanceCountWarning: true,
    storageProvider: new InMemStorageProvider(),
    bootstrap: { data: [unleashFeature(flag)] as never },
    bootstrapOverride: true,
  });
  const problems: unknown[] = [];
  client.on(UnleashEvents.Error, (e: unknown) => problems.push(e));
  client.on(UnleashEvents.Warn, (e: unknown) => problems.push(e));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`unleash-client not ready after 5 s: ${String(problems[0])}`)), 5000);
    client.once(UnleashEvents.Ready, () => {
      clearTimeout(timer);
      resolve();
    });
  });
  const contexts = flag.userKeys.map((userId) => ({ userId }));
  const key = flag.key;
  return {
    name: 'unleash-client',
    kind: 'raw',
    runBatch() {
      let hits = 0;
      for (let i = 0; i < contexts.length; i++) {
        if (client.isEnabled(key, contexts[i])) hits++;
      }
      return hits;
    },
    close() {
      client.destroy();
    },
  };
}
