import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OpenFeature, ProviderEvents, type EventDetails } from '@openfeature/server-sdk';
import { createProvider, FileStateStore, LocalProvider, resolveRuntime } from '../src/index.js';

const FLAGS = `
id: create-provider
flags:
  chat-model:
    changeType: model-swap
    variants: { control: { model: gpt-4o }, treatment: { model: claude-sonnet-4 } }
    defaultVariant: control
    rollout: { variant: treatment, percentage: 0 }
killSwitches:
  ai_agent_enabled: { retryAfter: 120 }
`;

describe('createProvider (local backend)', () => {
  let dir: string;
  const saved = { ...process.env };
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aiflags-create-provider-'));
    await writeFile(join(dir, 'flags.yaml'), FLAGS);
  });
  beforeEach(() => {
    // The embedded default: no Redis, whatever the machine's environment says.
    delete process.env.REDIS_URL;
    delete process.env.AIFLAGS_BACKEND;
    delete process.env.AIFLAGS_FLAGS;
  });
  afterEach(async () => {
    process.env = { ...saved };
    await OpenFeature.clearProviders();
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('serves the file named by AIFLAGS_FLAGS, with live state from .aiflags/ beside it', async () => {
    process.env.AIFLAGS_FLAGS = join(dir, 'flags.yaml');
    const provider = await createProvider();
    expect(provider).toBeInstanceOf(LocalProvider);
    const domain = randomUUID();
    await OpenFeature.setProviderAndWait(domain, provider);
    const client = OpenFeature.getClient(domain);
    const details = await client.getObjectDetails('chat-model', {}, { targetingKey: 'u1' });
    expect(details).toMatchObject({ variant: 'control', flagMetadata: { flagSetId: 'create-provider', changeType: 'model-swap' } });

    // Another process (here: another store on the same directory, as the CLI opens it) kills the switch.
    const changed = new Promise<EventDetails>((resolve) => client.addHandler(ProviderEvents.ConfigurationChanged, (d) => resolve(d as EventDetails)));
    const cli = new FileStateStore(join(dir, '.aiflags'));
    await cli.setKillSwitch('ai_agent_enabled', true, { reason: 'incident', actor: 'oncall' });
    expect((await changed).flagsChanged).toEqual(['ai_agent_enabled']);
    const killed = await client.getBooleanDetails('ai_agent_enabled', true, {});
    expect(killed).toMatchObject({ value: false, reason: 'DISABLED', flagMetadata: { retryAfter: 120, killReason: 'incident' } });
    await cli.setKillSwitch('ai_agent_enabled', false);
    await cli.close();
  });

  it('config.flags wins over AIFLAGS_FLAGS; a missing file fails initialization with one line naming it', async () => {
    process.env.AIFLAGS_FLAGS = join(dir, 'flags.yaml');
    const provider = await createProvider({ flags: join(dir, 'missing.yaml') });
    await expect(OpenFeature.setProviderAndWait(randomUUID(), provider)).rejects.toThrow(`${join(dir, 'missing.yaml')}: file not found`);
  });

  it('an unknown AIFLAGS_BACKEND is a one-line error', async () => {
    process.env.AIFLAGS_BACKEND = 'split-io';
    await expect(createProvider()).rejects.toThrow("AIFLAGS_BACKEND: unknown backend 'split-io' (expected local, launchdarkly, unleash or flagsmith)");
  });

  it('resolveRuntime opens .aiflags/ beside the flag file, started', async () => {
    const runtime = await resolveRuntime({ flags: join(dir, 'flags.yaml') });
    try {
      expect(runtime.flagsPath).toBe(join(dir, 'flags.yaml'));
      expect(runtime.stateDir).toBe(join(dir, '.aiflags'));
      expect(runtime.state).toBeInstanceOf(FileStateStore);
      expect(runtime.state.current().version).toBeGreaterThanOrEqual(0);
      expect(typeof runtime.metrics.record).toBe('function');
    } finally {
      await runtime.close();
    }
  });
});
