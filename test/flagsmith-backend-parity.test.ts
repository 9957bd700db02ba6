/**
 * "Moving to Flagsmith is configuration, not code": the same app code, written against aiFlags and
 * OpenFeature only, gives the same answers on the local backend and on AIFLAGS_BACKEND=flagsmith (the real
 * flagsmith-nodejs SDK evaluating the exported environment document, polled from a local endpoint or offline).
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
import { exportToFlagsmith, type FlagsmithExport } from '@aiflags/flagsmith';
import { LocalFlagsmithServer } from '@aiflags/testing';

const KEY = 'ser.backend-parity';
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
    bucketing: { hash: flagsmith, salt: env-chat }
  system-prompt:
    changeType: system-prompt
    variants: { a: "You are helpful, {{name}}.", b: "Be concise, {{name}}.", c: "You are a senior engineer." }
    defaultVariant: a
    split: { a: 33, b: 33, c: 34 }
    bucketing: { hash: flagsmith, salt: env-chat }
  temperature: { changeType: parameter, variants: { low: 0.2, high: 0.9 }, defaultVariant: low }
  new_system_prompt: { enabled: true, percentage: 10, bucketing: { hash: flagsmith, salt: env-chat } }
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

describe('the same app code on the local backend and on AIFLAGS_BACKEND=flagsmith', () => {
  let dir: string;
  let flagsFile: string;
  let exportFile: string;
  let document: FlagsmithExport;
  let server: LocalFlagsmithServer;
  let local: Awaited<ReturnType<typeof answers>>;
  const env = { ...process.env };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'aiflags-fs-backend-'));
    flagsFile = join(dir, 'flags.yaml');
    exportFile = join(dir, 'flagsmith.json');
    writeFileSync(flagsFile, FLAGS);
    const { data, problems } = exportToFlagsmith(parseFlags(FLAGS, flagsFile));
    expect(problems).toEqual([]);
    document = data;
    writeFileSync(exportFile, JSON.stringify(data));
    server = new LocalFlagsmithServer(data, KEY);
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

  it('FLAGSMITH_ENVIRONMENT_KEY (server-side) + FLAGSMITH_API_URL (self-hosted or Edge Proxy): same answers for every user', async () => {
    process.env = { ...env, AIFLAGS_BACKEND: 'flagsmith', AIFLAGS_FLAGS: flagsFile, FLAGSMITH_ENVIRONMENT_KEY: KEY, FLAGSMITH_API_URL: server.apiUrl };
    const provider = await createProvider({ stateDir: join(dir, '.aiflags') });
    expect(provider.metadata.name).toBe('aiflags-flagsmith');
    expect(await answers(provider)).toEqual(local);
  });

  it('FLAGSMITH_ENVIRONMENT_FILE (the exported document, no connection): same answers for every user', async () => {
    process.env = { ...env, AIFLAGS_BACKEND: 'flagsmith', FLAGSMITH_ENVIRONMENT_FILE: exportFile, AIFLAGS_FLAGS: join(dir, 'absent.yaml') };
    delete process.env.FLAGSMITH_ENVIRONMENT_KEY;
    expect(await answers(await createProvider({ stateDir: join(dir, '.aiflags') }))).toEqual(local);
  });

  it('turning the kill switch off in Flagsmith reaches the guard at the next poll, without a restart', async () => {
    process.env = { ...env };
    const provider = await createProvider({
      backend: 'flagsmith',
      flags: flagsFile,
      stateDir: join(dir, '.aiflags'),
      flagsmith: { environmentKey: KEY, apiUrl: server.apiUrl, refreshIntervalSeconds: 0.2 },
    });
    const domain = randomUUID();
    await OpenFeature.setProviderAndWait(domain, provider);
    const flags = aiFlags(OpenFeature.getClient(domain), { meter: false, track: false });
    expect(await flags.guard('ai_agent_enabled', users[0])).toBeNull();
    const changed = new Promise((resolve) => provider.events?.addHandler(ProviderEvents.ConfigurationChanged, resolve));
    server.document = {
      ...document,
      feature_states: document.feature_states.map((s) => (s.feature.name === 'ai_agent_enabled' ? { ...s, enabled: false } : s)),
    };
    await changed;
    expect(await flags.guard('ai_agent_enabled', users[0])).toEqual({ error: 'Feature temporarily disabled', retryAfter: 300 });
    await OpenFeature.clearProviders();
  });

  it('AIFLAGS_BACKEND=flagsmith without a key or document fails at startup with a message saying what to set', async () => {
    process.env = { ...env, AIFLAGS_BACKEND: 'flagsmith', AIFLAGS_FLAGS: flagsFile };
    delete process.env.FLAGSMITH_ENVIRONMENT_KEY;
    delete process.env.FLAGSMITH_ENVIRONMENT_FILE;
    await expect(createProvider({ stateDir: join(dir, '.aiflags') })).rejects.toThrow(/FLAGSMITH_ENVIRONMENT_KEY/);
  });
});
