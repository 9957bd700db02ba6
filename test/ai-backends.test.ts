import { afterAll, describe, expect, it } from 'vitest';
import { OpenFeature } from '@openfeature/server-sdk';
import { init, type LDLogger } from '@launchdarkly/node-server-sdk';
import { TestData } from '@launchdarkly/node-server-sdk/integrations';
import { aiFlags } from '@aiflags/ai';
import { MemoryMetricStore } from '@aiflags/metrics';
import { LocalProvider } from '@aiflags/provider';
import { MemoryStateStore } from '@aiflags/file';
import { createLaunchDarklyProvider } from '@aiflags/launchdarkly';
import { parseFlags } from '@aiflags/core';
import { createFlagsmithProvider, exportToFlagsmith, type FlagsmithProvider } from '@aiflags/flagsmith';
import { ProviderEvents } from '@openfeature/server-sdk';
import { LocalFlagsmithServer } from '@aiflags/testing';

const quiet: LDLogger = { error() {}, warn() {}, info() {}, debug() {} };
const ctx = { targetingKey: 'user-1' };
const CLAUDE = { model: 'claude-sonnet-4', provider: 'anthropic', temperature: 0.2 };
const GPT = { model: 'gpt-4o', provider: 'openai', temperature: 0.7 };

/** One backend, set up with the same flags: chat-model serving treatment, a system prompt, and a kill switch. */
interface Backend {
  name: string;
  domain: string;
  start(): Promise<void>;
  /** Switches ai_agent_enabled off the way that backend does it. */
  kill(): Promise<void>;
}

const state = new MemoryStateStore();
const local: Backend = {
  name: 'local',
  domain: 'ai-backends-local',
  async start() {
    const flags = {
      flags: {
        'chat-model': { variants: { control: GPT, treatment: CLAUDE }, defaultVariant: 'treatment' },
        'system-prompt': { variants: { a: 'Hi {{name}}.', b: 'Hello {{name}}!' }, defaultVariant: 'b' },
      },
      killSwitches: { ai_agent_enabled: {} },
    };
    await OpenFeature.setProviderAndWait(this.domain, new LocalProvider({ flags, state }));
  },
  async kill() {
    await state.setKillSwitch('ai_agent_enabled', true, { actor: 'test', reason: 'parity test' });
  },
};

const td = new TestData();
const ldClient = init('sdk-key', { updateProcessor: td.getFactory(), sendEvents: false, diagnosticOptOut: true, logger: quiet });
const launchdarkly: Backend = {
  name: 'launchdarkly',
  domain: 'ai-backends-ld',
  async start() {
    await td.update(td.flag('chat-model').variations(GPT, CLAUDE).fallthroughVariation(1).on(true));
    await td.update(td.flag('system-prompt').variations('Hi {{name}}.', 'Hello {{name}}!').fallthroughVariation(1).on(true));
    await td.update(td.flag('ai_agent_enabled').booleanFlag().variationForAll(true));
    const catalog = { 'chat-model': { variants: ['control', 'treatment'] }, 'system-prompt': { variants: ['a', 'b'] } };
    await OpenFeature.setProviderAndWait(this.domain, createLaunchDarklyProvider({ client: ldClient, catalog }));
  },
  async kill() {
    await td.update(td.flag('ai_agent_enabled').booleanFlag().variationForAll(false));
  },
};

const flagsmithDocument = exportToFlagsmith(
  parseFlags(
    `flags:
  chat-model: { variants: { control: ${JSON.stringify(GPT)}, treatment: ${JSON.stringify(CLAUDE)} }, defaultVariant: treatment }
  system-prompt: { variants: { a: "Hi {{name}}.", b: "Hello {{name}}!" }, defaultVariant: b }
killSwitches:
  ai_agent_enabled: {}
`,
    'flags.yaml',
  ),
).data;
const flagsmithServer = new LocalFlagsmithServer(flagsmithDocument, 'ser.ai-backends');
let flagsmithProvider: FlagsmithProvider | undefined;
const flagsmith: Backend = {
  name: 'flagsmith',
  domain: 'ai-backends-flagsmith',
  async start() {
    await flagsmithServer.start();
    flagsmithProvider = createFlagsmithProvider({
      environmentKey: 'ser.ai-backends',
      apiUrl: flagsmithServer.apiUrl,
      refreshIntervalSeconds: 0.2,
      catalog: flagsmithDocument.catalog,
    });
    await OpenFeature.setProviderAndWait(this.domain, flagsmithProvider);
  },
  async kill() {
    const changed = new Promise((resolve) => flagsmithProvider?.events.addHandler(ProviderEvents.ConfigurationChanged, resolve));
    flagsmithServer.document = {
      ...flagsmithDocument,
      feature_states: flagsmithDocument.feature_states.map((s) => (s.feature.name === 'ai_agent_enabled' ? { ...s, enabled: false } : s)),
    };
    await changed;
  },
};

afterAll(async () => {
  await OpenFeature.clearProviders();
  ldClient.close();
  await flagsmithServer.stop();
});

describe.each([local, launchdarkly, flagsmith])('the AI layer on the $name backend', (backend) => {
  it('selects the model and prompt, records exposures, and honours the kill switch', async () => {
    await backend.start();
    const store = new MemoryMetricStore();
    const flags = aiFlags(OpenFeature.getClient(backend.domain), { metrics: store, meter: false });

    expect(await flags.guard('ai_agent_enabled', ctx)).toBeNull();
    const m = await flags.model('chat-model', ctx, { model: 'fallback' });
    expect(m).toMatchObject({ model: 'claude-sonnet-4', provider: 'anthropic', params: { temperature: 0.2 }, variant: 'treatment' });
    const p = await flags.prompt('system-prompt', ctx, 'fallback', { name: 'Ada' });
    expect(p).toMatchObject({ text: 'Hello Ada!', variant: 'b' });
    m.tracker.record({ quality: 5, latencyMs: 900, error: false });

    const agg = await store.query('chat-model');
    expect(agg['treatment']).toMatchObject({ exposures: 1, outcomes: 1, errors: 0 });
    expect(agg['treatment']!.quality.mean).toBe(5);

    await backend.kill();
    const denial = await flags.guard('ai_agent_enabled', ctx);
    expect(denial).toEqual({ error: 'Feature temporarily disabled', retryAfter: 300 });
  });
});
