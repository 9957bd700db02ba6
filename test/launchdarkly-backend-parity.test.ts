/**
 * "Moving to LaunchDarkly is configuration, not code": the same app code, written against aiFlags and
 * OpenFeature only, gives the same answers on the local backend and on AIFLAGS_BACKEND=launchdarkly
 * (the real SDK, fed the exported flags through its file data source or a local polling endpoint).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenFeature, ProviderEvents } from '@openfeature/server-sdk';
import type { EvaluationContext, Provider } from '@openfeature/server-sdk';
import { aiFlags, createProvider, parseFlags } from 'aiflags';
import type { AiFlags } from 'aiflags';
import { exportToLaunchDarkly } from '@aiflags/launchdarkly';
import { LocalLDServer } from '@aiflags/testing';

const FLAGS = `
id: chat-app
version: "2026-11-25"
segments:
  staff:
    conditions: [{ attribute: email, op: ends_with, values: ["@acme.com"] }]
flags:
  chat-model:
    changeType: model-swap
    variants:
      control: { model: gpt-4o, provider: openai, temperature: 0.7 }
      treatment: { model: claude-sonnet-4, provider: anthropic, temperature: 0.7 }
    defaultVariant: control
    rollout: { variant: treatment, percentage: 5 }
    rules: [{ name: staff-first, segment: staff, variant: treatment }]
    bucketing: { hash: launchdarkly }
  system-prompt:
    changeType: system-prompt
    variants: { a: "You are helpful, {{name}}.", b: "Be concise, {{name}}.", c: "You are a senior engineer." }
    defaultVariant: a
    split: { a: 33, b: 33, c: 34 }
    bucketing: { hash: launchdarkly }
  temperature: { changeType: parameter, variants: { low: 0.2, high: 0.9 }, defaultVariant: low }
  new_system_prompt: { enabled: true, percentage: 10, bucketing: { hash: launchdarkly } }
  retired: { enabled: false, variants: { old: legacy, next: modern }, defaultVariant: next, offVariant: old }
killSwitches:
  ai_agent_enabled: {}
  web_search_enabled: { enabled: false, retryAfter: 60 }
`;

/** The app: what a chat service asks its flags per request. Knows nothing about backends. */
async function handleRequest(flags: AiFlags, ctx: EvaluationContext) {
  const model = await flags.model('chat-model', ctx, { model: 'gpt-4o-mini', provider: 'openai' });
  const prompt = await flags.prompt('system-prompt', ctx, 'You are a helpful assistant.', { name: 'Ada' });
  const temperature = await flags.variant('temperature', ctx, 0.5);
  const newPrompt = await flags.variant('new_system_prompt', ctx, false);
  const retired = await flags.variant('retired', ctx, 'unset');
  return {
    model: [model.model, model.provider, model.params, model.variant],
    prompt: [prompt.text, prompt.variant],
    temperature: [temperature.value, temperature.variant],
    newPrompt: [newPrompt.value, newPrompt.variant],
    retired: [retired.value, retired.variant],
    agent: await flags.guard('ai_agent_enabled', ctx),
    webSearch: await flags.guard('web_search_enabled', ctx),
  };
}

const users = Array.from({ length: 500 }, (_, i) => ({
  targetingKey: `user-${i}`,
  email: i % 10 === 0 ? `u${i}@acme.com` : `u${i}@example.com`,
}));

async function answers(provider: Provider) {
  const domain = randomUUID();
  await OpenFeature.setProviderAndWait(domain, provider);
  const flags = aiFlags(OpenFeature.getClient(domain), { meter: false, track: false });
  const out = [];
  for (const ctx of users) out.push(await handleRequest(flags, ctx));
  return out;
}

describe('the same app code on the local backend and on AIFLAGS_BACKEND=launchdarkly', () => {
  let dir: string;
  let flagsFile: string;
  let exportFile: string;
  let server: LocalLDServer;
  let local: Awaited<ReturnType<typeof answers>>;
  const env = { ...process.env };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'aiflags-ld-backend-'));
    flagsFile = join(dir, 'flags.yaml');
    exportFile = join(dir, 'launchdarkly.json');
    writeFileSync(flagsFile, FLAGS);
    const { data, problems } = exportToLaunchDarkly(parseFlags(FLAGS, flagsFile));
    expect(problems).toEqual([]);
    writeFileSync(exportFile, JSON.stringify(data));
    server = new LocalLDServer({ flags: data.flags, segments: data.segments });
    await server.start();
    local = await answers(await createProvider({ backend: 'local', flags: flagsFile, stateDir: join(dir, '.aiflags'), watch: false }));
  });

  afterAll(async () => {
    process.env = env;
    await OpenFeature.clearProviders();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the local answers exercise every path (rule, split, rollout, disabled, kill switch)', () => {
    const variants = (pick: (a: (typeof local)[number]) => unknown) => new Set(local.map((a) => JSON.stringify(pick(a))));
    expect(variants((a) => a.model[3]).size).toBe(2);
    expect(variants((a) => a.prompt[1]).size).toBe(3);
    expect(variants((a) => a.newPrompt[1]).size).toBe(2);
    expect(local[0]?.retired).toEqual(['legacy', 'old']);
    expect(local[0]?.agent).toBeNull();
    expect(local[0]?.webSearch).toMatchObject({ retryAfter: 60 });
  });

  it('LAUNCHDARKLY_SDK_KEY + LAUNCHDARKLY_BASE_URI (a relay or local endpoint): same answers for every user', async () => {
    process.env = { ...env, AIFLAGS_BACKEND: 'launchdarkly', AIFLAGS_FLAGS: flagsFile, LAUNCHDARKLY_SDK_KEY: 'sdk-test', LAUNCHDARKLY_BASE_URI: server.uri };
    const provider = await createProvider();
    expect(provider.metadata.name).toBe('aiflags-launchdarkly');
    expect(await answers(provider)).toEqual(local);
  });

  it('turning the kill switch off in LaunchDarkly reaches the guard without a restart', async () => {
    const provider = await createProvider({
      backend: 'launchdarkly',
      flags: flagsFile,
      launchdarkly: { sdkKey: 'sdk-test', baseUri: server.uri },
    });
    const domain = randomUUID();
    await OpenFeature.setProviderAndWait(domain, provider);
    const flags = aiFlags(OpenFeature.getClient(domain), { meter: false, track: false });
    expect(await flags.guard('ai_agent_enabled', users[0])).toBeNull();
    const changed = new Promise((resolve) => provider.events?.addHandler(ProviderEvents.ConfigurationChanged, resolve));
    const payload = server.payload;
    const killed = { ...(payload.flags['ai_agent_enabled'] as object), on: false, version: 2 };
    server.publish({ ...payload, flags: { ...payload.flags, ai_agent_enabled: killed } });
    await changed;
    expect(await flags.guard('ai_agent_enabled', users[0])).toEqual({ error: 'Feature temporarily disabled', retryAfter: 300 });
  });

  it('AIFLAGS_BACKEND=launchdarkly without LAUNCHDARKLY_SDK_KEY fails at startup with a message saying what to set', async () => {
    process.env = { ...env, AIFLAGS_BACKEND: 'launchdarkly', AIFLAGS_FLAGS: flagsFile };
    delete process.env.LAUNCHDARKLY_SDK_KEY;
    delete process.env.LAUNCHDARKLY_DATA_FILE;
    await expect(createProvider()).rejects.toThrow(/LAUNCHDARKLY_SDK_KEY/);
  });

  it('LAUNCHDARKLY_DATA_FILE (the exported file, no connection): same answers for every user', async () => {
    process.env = { ...env, AIFLAGS_BACKEND: 'launchdarkly', LAUNCHDARKLY_DATA_FILE: exportFile, AIFLAGS_FLAGS: join(dir, 'absent.yaml') };
    expect(await answers(await createProvider())).toEqual(local);
  });
});
