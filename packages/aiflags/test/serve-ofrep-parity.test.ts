import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OFREPProvider } from '@openfeature/ofrep-provider';
import { OpenFeature, type Client, type EvaluationDetails, type FlagValue, type JsonValue } from '@openfeature/server-sdk';
import { evaluate, flagTypeOf, type FlagSet } from '@aiflags/core';
import { LocalProvider } from '@aiflags/provider';
import { resolveRuntime, type Runtime } from '../src/runtime.js';
import { startServe, type RunningServe } from '../src/serve/index.js';
import { parityUser } from '../../../test/support/parity-users.js';
import { SAMPLE_FLAGS_YAML } from '../../../test/support/sample-flags.js';

const USERS = 2000;
/** Users evaluated at once: enough requests in flight to keep the loopback busy, few enough for the server's limit. */
const BATCH = 40;
const EXAMPLE_FLAGS = new URL('../../../examples/chat-service/flags.yaml', import.meta.url);

const DEFAULTS = { boolean: false, string: 'code-default', number: -1, object: { codeDefault: true } } as const;

async function resolveWith(client: Client, set: FlagSet, key: string, ctx: Record<string, string | number>): Promise<EvaluationDetails<FlagValue>> {
  const type = flagTypeOf(set, key);
  if (type === 'boolean') return client.getBooleanDetails(key, DEFAULTS.boolean, ctx);
  if (type === 'string') return client.getStringDetails(key, DEFAULTS.string, ctx);
  if (type === 'number') return client.getNumberDetails(key, DEFAULTS.number, ctx);
  return client.getObjectDetails(key, DEFAULTS.object as JsonValue, ctx);
}

/** What an app sees, minus what OFREP cannot carry on an error (flag metadata is dropped by the client). */
function seen(d: EvaluationDetails<FlagValue>): object {
  if (d.errorCode !== undefined) return { value: d.value, reason: d.reason, errorCode: d.errorCode };
  return { value: d.value, variant: d.variant, reason: d.reason, flagMetadata: d.flagMetadata };
}

describe.each([
  ['the CLI sample flags (every flag type, a segment rule, a kill switch)', () => Promise.resolve(SAMPLE_FLAGS_YAML)],
  ['the chat-service example flags', () => readFile(EXAMPLE_FLAGS, 'utf8')],
])('aiflags serve over OFREP gives what the LocalProvider gives: %s', (_name, flagsText) => {
  let runtime: Runtime;
  let serve: RunningServe;
  let ofrep: Client;
  let local: Client;
  let domain: string;

  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aiflags-serve-parity-'));
    const file = join(dir, 'flags.yaml');
    await writeFile(file, (await flagsText()).replace(/^\$schema:.*$/m, ''));
    runtime = await resolveRuntime({ flags: file }, {});
    serve = await startServe(runtime, { host: '127.0.0.1', port: 0, watch: false });
    domain = `serve-parity-${dir}`;
    await OpenFeature.setProviderAndWait(`${domain}-ofrep`, new OFREPProvider({ baseUrl: serve.url }));
    await OpenFeature.setProviderAndWait(`${domain}-local`, new LocalProvider({ file, state: runtime.state, watch: false }));
    ofrep = OpenFeature.getClient(`${domain}-ofrep`);
    local = OpenFeature.getClient(`${domain}-local`);
  });

  afterAll(async () => {
    await OpenFeature.clearProviders();
    await serve?.close();
    await runtime?.close();
  });

  it(`${USERS} users x every flag: the same values, variants, reasons and metadata, 0 mismatches`, async () => {
    const set = serve.provider.flagSet as FlagSet;
    const keys = [...set.flags.keys(), ...set.killSwitches.keys()];
    const mismatches: string[] = [];
    let compared = 0;
    let codeDefaults = 0;
    let errors = 0;
    for (let start = 0; start < USERS; start += BATCH) {
      const batch = Array.from({ length: Math.min(BATCH, USERS - start) }, (_, j) => start + j);
      await Promise.all(
        batch.flatMap((i) =>
          keys.map(async (key) => {
            const ctx = parityUser(i);
            if (evaluate(set, key, ctx).value === undefined && evaluate(set, key, ctx).errorCode === undefined) {
              codeDefaults++;
              return;
            }
            const [remote, inProcess] = await Promise.all([resolveWith(ofrep, set, key, ctx), resolveWith(local, set, key, ctx)]);
            compared++;
            if (inProcess.errorCode !== undefined) errors++;
            const a = seen(remote);
            const b = seen(inProcess);
            if (JSON.stringify(a) !== JSON.stringify(b)) mismatches.push(`${key} user ${i}: ofrep ${JSON.stringify(a)} local ${JSON.stringify(b)}`);
          }),
        ),
      );
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
    expect(compared).toBe(USERS * keys.length - codeDefaults);
    expect(errors).toBeGreaterThan(0);
    expect(compared - errors).toBeGreaterThan(USERS * keys.length * 0.9);
  }, 180_000);

  it('a kill switch thrown in the live state changes the next OFREP answer and the bulk ETag', async () => {
    const ctx = { targetingKey: 'user-1' };
    expect(await ofrep.getBooleanDetails('ai_agent_enabled', false, ctx)).toMatchObject({ value: true, variant: 'on' });
    const bulk = () => fetch(`${serve.url}/ofrep/v1/evaluate/flags`, { method: 'POST', body: JSON.stringify({ context: ctx }) });
    const etag = (await bulk()).headers.get('etag') as string;
    await runtime.state.setKillSwitch('ai_agent_enabled', true, { actor: 'serve-test', reason: 'incident drill' });
    try {
      expect(await ofrep.getBooleanDetails('ai_agent_enabled', true, ctx)).toMatchObject({ value: false, variant: 'killed', reason: 'DISABLED' });
      const after = await bulk();
      expect(after.headers.get('etag')).not.toBe(etag);
      const flags = ((await after.json()) as { flags: Array<{ key: string; value: unknown }> }).flags;
      expect(flags.find((f) => f.key === 'ai_agent_enabled')).toMatchObject({ value: false });
    } finally {
      await runtime.state.setKillSwitch('ai_agent_enabled', false, { actor: 'serve-test' });
    }
    expect(await ofrep.getBooleanDetails('ai_agent_enabled', false, ctx)).toMatchObject({ value: true, variant: 'on' });
  });
});
