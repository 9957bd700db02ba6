import { init, integrations, type LDLogger } from '@launchdarkly/node-server-sdk';
import type { BenchFlag, Contender } from '../contender.js';

const silent: LDLogger = { error() {}, warn() {}, info() {}, debug() {} };

/** LaunchDarkly flag JSON with a fallthrough rollout; LD weights are in 1/1000 of a percent. */
export function launchDarklyFlag(flag: BenchFlag): Record<string, unknown> {
  const on = Math.round(flag.percentage * 1000);
  return {
    key: flag.key,
    version: 1,
    on: true,
    salt: flag.key,
    variations: [true, false],
    offVariation: 1,
    targets: [],
    contextTargets: [],
    rules: [],
    prerequisites: [],
    fallthrough: {
      rollout: {
        variations: [
          { variation: 0, weight: on },
          { variation: 1, weight: 100_000 - on },
        ],
      },
    },
  };
}

/**
 * `LDClient.variation` fed by TestData: no network, no events, no diagnostics. `variation` returns a
 * promise, so each evaluation pays one await; that is the SDK's only evaluation API.
 */
export async function launchDarkly(flag: BenchFlag): Promise<Contender> {
  const td = new integrations.TestData();
  await td.usePreconfiguredFlag(launchDarklyFlag(flag));
  const client = init('sdk-bench-offline', {
    updateProcessor: td.getFactory(),
    sendEvents: false,
    diagnosticOptOut: true,
    logger: silent,
  });
  await client.waitForInitialization({ timeout: 5 });
  const contexts = flag.userKeys.map((key) => ({ kind: 'user', key }));
  const key = flag.key;
  return {
    name: '@launchdarkly/node-server-sdk',
    kind: 'raw',
    async runBatch() {
      let hits = 0;
      for (let i = 0; i < contexts.length; i++) {
        if ((await client.variation(key, contexts[i]!, false)) === true) hits++;
      }
      return hits;
    },
    close() {
      client.close();
    },
  };
}
