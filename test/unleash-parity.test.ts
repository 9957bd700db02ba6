/**
 * Parity with a real unleash-server and the real unleash-client: the flag file is exported with
 * exportToUnleash, imported through the server's import endpoint, and every user gets the same value
 * and variant from Unleash as from aiflags' own evaluator (bucketing: { hash: unleash }). Then the same
 * app code runs on AIFLAGS_BACKEND=local and AIFLAGS_BACKEND=unleash and gives the same answers.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpenFeature, ProviderEvents } from '@openfeature/server-sdk';
import type { EvaluationContext, Provider, TrackingEventDetails } from '@openfeature/server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluate, parseFlags } from '@aiflags/core';
import type { FlagSet, FlagType } from '@aiflags/core';
import { createUnleashProvider, exportToUnleash } from '@aiflags/unleash';
import type { UnleashProvider } from '@aiflags/unleash';
import { aiFlags, createProvider } from 'aiflags';
import type { AiFlags } from 'aiflags';
import { CLIENT_TOKEN, shouldRunUnleashTests, startUnleashServer } from './unleash-server/harness.js';
import type { UnleashServer } from './unleash-server/harness.js';

const FLAGS = `
id: unleash-parity
version: "2026-11-25"
segments:
  staff:
    conditions: [{ attribute: email, op: ends_with, values: ["@acme.com"] }]
flags:
  new_system_prompt: { enabled: true, percentage: 10, bucketing: { hash: unleash } }
  system-prompt:
    changeType: system-prompt
    variants:
      a: { text: "You are helpful, {{name}}.", temperature: 0.2 }
      b: { text: "You are concise, {{name}}.", temperature: 0.5 }
      c: { text: "You are a senior engineer.", temperature: 0.7 }
    defaultVariant: a
    split: { a: 33.3, b: 33.3, c: 33.4 }
    bucketing: { hash: unleash }
  chat-model:
    changeType: model-swap
    variants:
      control: { model: gpt-4o, provider: openai, temperature: 0.7 }
      treatment: { model: claude-sonnet-4, provider: anthropic, temperature: 0.7 }
    defaultVariant: control
    rules:
      - { name: staff-first, segment: staff, variant: treatment }
      - name: big-paying-accounts
        conditions:
          - { attribute: plan, op: in, values: [pro, enterprise] }
          - { attribute: seats, op: gte, values: [50] }
          - { attribute: country, op: starts_with, values: [U] }
        rollout: { variant: treatment, percentage: 50 }
      - name: new-app
        conditions: [{ attribute: appVersion, op: semver_gt, values: ["2.0.0"] }]
        split: { control: 25, treatment: 75 }
    rollout: { variant: treatment, percentage: 10 }
    bucketing: { hash: unleash }
  tone:
    changeType: system-prompt
    variants: { formal: "Dear {{name}}, how can I help?", casual: "Hey {{name}}!" }
    defaultVariant: formal
    rules: [{ conditions: [{ attribute: account.tier, op: lt, values: [3] }], variant: casual }]
  temperature:
    changeType: parameter
    variants: { low: 0.2, mid: 0.5, high: 0.9 }
    defaultVariant: low
    split: { high: 25, low: 50, mid: 25 }   # unleash-server keeps strategy variants sorted by name
    bucketing: { hash: unleash, groupId: temperature-v2 }
killSwitches:
  ai_agent_enabled: {}
  web_search_enabled: { enabled: false }
`;

const PLANS = ['free', 'pro', 'enterprise'];
const COUNTRIES = ['US', 'UK', 'FR', 'DE'];
const VERSIONS = ['1.9.0', '2.0.0', '2.1.3'];
const user = (i: number): EvaluationContext => ({
  targetingKey: `user-${i}`,
  email: i % 10 === 0 ? `u${i}@acme.com` : `u${i}@example.com`,
  plan: PLANS[i % 3] as string,
  seats: (i * 37) % 120,
  country: COUNTRIES[(i >> 2) % 4] as string,
  appVersion: VERSIONS[(i >> 4) % 3] as string,
  account: { tier: i % 5 },
});

const run = shouldRunUnleashTests();

describe.skipIf(!run)('aiflags and a real Unleash assign every user the same way', () => {
  let server: UnleashServer;
  let set: FlagSet;
  let unleash: UnleashProvider;
  let dir: string;
  const env = { ...process.env };

  beforeAll(async () => {
    server = await startUnleashServer();
    console.info(`unleash-server started in ${server.startupMs} ms`);
    dir = mkdtempSync(join(tmpdir(), 'aiflags-unleash-'));
    writeFileSync(join(dir, 'flags.yaml'), FLAGS);
    set = parseFlags(FLAGS, 'flags.yaml');
    const { data, problems } = exportToUnleash(set);
    expect(problems).toEqual([]);
    await server.admin.importFeatures(data);
    unleash = createUnleashProvider({ url: server.apiUrl, apiToken: CLIENT_TOKEN, refreshInterval: 250, unleashConfig: { disableMetrics: true } });
    await unleash.initialize();
  });

  afterAll(async () => {
    process.env = env;
    await OpenFeature.clearProviders();
    await unleash?.onClose();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('10,000 users, every flag: zero mismatches in value and variant', () => {
    const defaults: Record<FlagType, boolean | string | number | object> = { boolean: false, string: '', number: -1, object: {} };
    const keys = [
      ...[...set.flags.values()].map((f) => [f.key, f.type] as const),
      ...[...set.killSwitches.keys()].map((k) => [k, 'boolean'] as const),
    ];
    const mismatches: unknown[] = [];
    const served = new Map<string, Map<string, number>>();
    for (let i = 0; i < 10_000; i++) {
      const ctx = user(i);
      for (const [key, type] of keys) {
        const local = evaluate(set, key, ctx);
        const remote = unleash.resolve(key, type, defaults[type] as never, ctx);
        if (remote.errorCode || JSON.stringify(remote.value) !== JSON.stringify(local.value) || remote.variant !== local.variant) {
          mismatches.push({ key, user: ctx.targetingKey, local: [local.value, local.variant], unleash: [remote.value, remote.variant, remote.errorCode] });
        }
        const counts = served.get(key) ?? new Map<string, number>();
        counts.set(String(local.variant), (counts.get(String(local.variant)) ?? 0) + 1);
        served.set(key, counts);
      }
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
    expect(mismatches.length).toBe(0);
    // The users really exercise each path: a ~10 % rollout, a three-way split, rules and their rollouts.
    const on = served.get('new_system_prompt')?.get('on') ?? 0;
    expect(on).toBeGreaterThan(850);
    expect(on).toBeLessThan(1150);
    expect([...(served.get('system-prompt')?.values() ?? [])].every((n) => n > 3000)).toBe(true);
    expect(served.get('temperature')?.size).toBe(3);
    expect(served.get('chat-model')?.size).toBe(2);
    expect(served.get('tone')?.size).toBe(2);
  });

  describe('the same app code on AIFLAGS_BACKEND=local and AIFLAGS_BACKEND=unleash', () => {
    /** The app: what a chat service asks its flags per request. Knows nothing about backends. */
    async function handleRequest(flags: AiFlags, ctx: EvaluationContext) {
      const model = await flags.model('chat-model', ctx, { model: 'gpt-4o-mini', provider: 'openai' });
      const system = await flags.variant('system-prompt', ctx, { text: 'fallback' });
      const tone = await flags.prompt('tone', ctx, 'Hello.', { name: 'Ada' });
      const temperature = await flags.variant('temperature', ctx, 0.5);
      const newPrompt = await flags.variant('new_system_prompt', ctx, false);
      model.tracker.record({ quality: 4, costUsd: 0.002, inputTokens: 100, outputTokens: 20 });
      return {
        model: [model.model, model.provider, model.params, model.variant],
        system: [system.value, system.variant],
        tone: [tone.text, tone.variant],
        temperature: [temperature.value, temperature.variant],
        newPrompt: [newPrompt.value, newPrompt.variant],
        agent: await flags.guard('ai_agent_enabled', ctx),
        webSearch: await flags.guard('web_search_enabled', ctx),
      };
    }

    const users = Array.from({ length: 400 }, (_, i) => user(i));

    async function answers(provider: Provider) {
      const domain = randomUUID();
      await OpenFeature.setProviderAndWait(domain, provider);
      const flags = aiFlags(OpenFeature.getClient(domain), { meter: false });
      const out = [];
      for (const ctx of users) out.push(await handleRequest(flags, ctx));
      return { out, flags };
    }

    const tracked = () => {
      const events: Array<[string, string | undefined, TrackingEventDetails]> = [];
      return { events, sink: { track: (name: string, ctx: EvaluationContext, details: TrackingEventDetails) => events.push([name, ctx.targetingKey, details]) } };
    };
    let local: Awaited<ReturnType<typeof answers>>['out'];
    let localEvents: ReturnType<typeof tracked>['events'];

    beforeAll(async () => {
      const sink = tracked();
      localEvents = sink.events;
      const provider = await createProvider({
        backend: 'local',
        flags: join(dir, 'flags.yaml'),
        stateDir: join(dir, '.aiflags'),
        watch: false,
        trackSink: sink.sink,
      });
      local = (await answers(provider)).out;
    });

    it('UNLEASH_URL + UNLEASH_API_TOKEN: same answers and the same tracked outcomes for every user', async () => {
      process.env = {
        ...env,
        AIFLAGS_BACKEND: 'unleash',
        UNLEASH_URL: server.apiUrl,
        UNLEASH_API_TOKEN: CLIENT_TOKEN,
        UNLEASH_REFRESH_INTERVAL_MS: '250',
      };
      const sink = tracked();
      const provider = await createProvider({ trackSink: sink.sink });
      expect(provider.metadata.name).toBe('aiflags-unleash');
      const { out } = await answers(provider);
      expect(out).toEqual(local);
      expect(new Set(local.map((a) => a.model[3])).size).toBe(2);
      expect(local[0]?.webSearch).toMatchObject({ error: 'Feature temporarily disabled' });
      expect(sink.events.length).toBeGreaterThanOrEqual(users.length);
      const strip = (events: typeof localEvents) => events.map(([name, key, { latencyMs: _l, ...details }]) => [name, key, details]);
      expect(strip(sink.events)).toEqual(strip(localEvents));
    });

    it('killing the switch in Unleash reaches the guard without a restart', async () => {
      const provider = await createProvider({
        backend: 'unleash',
        unleash: { url: server.apiUrl, apiToken: CLIENT_TOKEN, refreshInterval: 250 },
      });
      const { flags } = await answers(provider);
      expect(await flags.guard('ai_agent_enabled', users[0])).toBeNull();
      const changed = new Promise((resolve) => provider.events?.addHandler(ProviderEvents.ConfigurationChanged, resolve));
      await server.admin.setEnabled('ai_agent_enabled', false);
      await changed;
      expect(await flags.guard('ai_agent_enabled', users[0])).toEqual({ error: 'Feature temporarily disabled', retryAfter: 300 });
    });
  });
});
