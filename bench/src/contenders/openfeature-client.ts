import { OpenFeature, type Provider } from '@openfeature/server-sdk';
import type { BenchFlag, Contender } from '../contender.js';

/**
 * `client.getBooleanValue` against `provider`, registered under its own domain so several providers
 * can be measured in one process without replacing each other. The suite closes OpenFeature at the end.
 */
export async function openFeatureContender(name: string, domain: string, provider: Provider, flag: BenchFlag): Promise<Contender> {
  await OpenFeature.setProviderAndWait(domain, provider);
  const client = OpenFeature.getClient(domain);
  const contexts = flag.userKeys.map((targetingKey) => ({ targetingKey }));
  const key = flag.key;
  return {
    name,
    kind: 'openfeature',
    async runBatch() {
      let hits = 0;
      for (let i = 0; i < contexts.length; i++) {
        if ((await client.getBooleanValue(key, false, contexts[i])) === true) hits++;
      }
      return hits;
    },
  };
}
