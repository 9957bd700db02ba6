/**
 * One app process for the delivery tests and bench: `createProvider()` from the environment (AIFLAGS_FLAGS,
 * REDIS_URL, AIFLAGS_ENV, AIFLAGS_BACKEND, …) with presence every HEARTBEAT_MS, and `aiFlags` over it.
 * Writes JSON lines on stdout (`ready` with its pid and instance id, `change` with the live-state version
 * applied); takes `guard <switch>` (answers `guard` with the result) and `exit` on stdin.
 */
import { createInterface } from 'node:readline';
import { OpenFeature, ProviderEvents } from '@openfeature/server-sdk';
import { aiFlags, createProvider } from 'aiflags';

const send = (message: object): void => {
  process.stdout.write(`${JSON.stringify(message)}\n`);
};
const heartbeatMs = Number(process.env.HEARTBEAT_MS ?? 5000);
const provider = await createProvider({ watch: false, presence: { heartbeatMs } });
await OpenFeature.setProviderAndWait(provider);
const flags = aiFlags(OpenFeature.getClient(), { meter: false });
OpenFeature.addHandler(ProviderEvents.ConfigurationChanged, (details) => {
  send({ type: 'change', at: performance.timeOrigin + performance.now(), flagsChanged: details?.flagsChanged ?? [] });
});
send({ type: 'ready', pid: process.pid, id: (provider as { instanceId?: string }).instanceId ?? null });

for await (const line of createInterface({ input: process.stdin })) {
  const [command, key] = line.split(' ');
  if (command === 'guard') send({ type: 'guard', key, result: await flags.guard(key!, { targetingKey: 'user-1' }) });
  else if (command === 'exit') break;
}
await OpenFeature.close();
process.exit(0);
