/**
 * The Unleash adapter against a real unleash-server and the real unleash-client, one server for the whole
 * file (startup is the slow part):
 * - the provider: every value type, PROVIDER_NOT_READY, a wrong token, CONFIGURATION_CHANGED, track();
 * - parity: the flag file exported with exportToUnleash and imported through the server's import
 *   endpoint assigns 10,000 users exactly as aiflags' own evaluator does (bucketing: { hash: unleash });
 * - the same app code on AIFLAGS_BACKEND=local and AIFLAGS_BACKEND=unleash gives the same answers;
 * - last, the server stopped mid-test: STALE, last flags kept, READY when it is back.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, OpenFeature, ProviderEvents } from '@openfeature/server-sdk';
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
import { FLAGS, user } from './unleash-server/parity-fixtures.js';
import { deletePrefix, testRedisUrl } from '@aiflags/testing';
import { DENIED, type KillJson } from './support/delivery-fixtures.js';
import { startApps } from './support/flag-app-fleet.js';
import { runCli } from './support/run-cli.js';

const run = shouldRunUnleashTests();

const variant = (name: string, weight: number, payload?: { type: string; value: string }, weightType = 'fix') => ({
  name,
  weight,
  weightType,
  stickiness: 'default',
  ...(payload ? { payload } : {}),
});
const everyone = (groupId: string) => ({ rollout: '100', stickiness: 'default', groupId });

describe.skipIf(!run)('a real unleash-server', () => {
  let server: UnleashServer;
  const providers: UnleashProvider[] = [];
  const provider = (overrides: Parameters<typeof createUnleashProvider>[0] = {}) => {
    const created = createUnleashProvider({
      url: server.apiUrl,
      apiToken: CLIENT_TOKEN,
      appName: 'aiflags-test',
      refreshInterval: 200,
      unleashConfig: { disableMetrics: true },
      ...overrides,
    });
    providers.push(created);
    return created;
  };

  beforeAll(async () => {
    server = await startUnleashServer();
    console.info(`unleash-server started in ${server.startupMs} ms`);
  });

  afterAll(async () => {
    await OpenFeature.clearProviders();
    await Promise.all(providers.map((p) => p.onClose()));
    await server?.stop();
  });

  describe('UnleashProvider (flags seeded through the admin API)', () => {
    beforeAll(async () => {
      const { admin } = server;
      await admin.createFeature('p-bool-on');
      await admin.addStrategy('p-bool-on', { name: 'flexibleRollout', parameters: everyone('p-bool-on') });
      await admin.setEnabled('p-bool-on', true);
      await admin.createFeature('p-bool-off');
      await admin.addStrategy('p-bool-off', { name: 'flexibleRollout', parameters: everyone('p-bool-off') });
      await admin.createFeature('p-model');
      await admin.addStrategy('p-model', {
        name: 'flexibleRollout',
        parameters: everyone('p-model'),
        constraints: [{ contextName: 'plan', operator: 'IN', values: ['pro'] }],
        variants: [variant('treatment', 1000, { type: 'json', value: '{"model":"claude-sonnet-4"}' }, 'variable')],
      });
      await admin.addStrategy('p-model', {
        name: 'flexibleRollout',
        parameters: everyone('p-model'),
        variants: [variant('control', 1000, { type: 'json', value: '{"model":"gpt-4o"}' }, 'variable')],
      });
      await admin.setEnabled('p-model', true);
      await admin.createFeature('p-temperature');
      await admin.addStrategy('p-temperature', {
        name: 'flexibleRollout',
        parameters: everyone('p-temperature'),
        variants: [variant('low', 1000, { type: 'number', value: '0.2' }, 'variable')],
      });
      await admin.setEnabled('p-temperature', true);
      await admin.waitForClientFeatures(['p-bool-on', 'p-bool-off', 'p-model', 'p-temperature']);
    });

    it('answers PROVIDER_NOT_READY before the first sync, then every type after it', async () => {
      const p = provider();
      const early = p.resolve('p-bool-on', 'boolean', false, { targetingKey: 'u1' });
      expect(early).toMatchObject({ value: false, errorCode: ErrorCode.PROVIDER_NOT_READY });
      await p.initialize();
      expect(p.connection).toBe('ready');
      const ctx = (extra: EvaluationContext = {}) => ({ targetingKey: 'u1', ...extra });
      await expect(p.resolveBooleanEvaluation('p-bool-on', false, ctx())).resolves.toMatchObject({ value: true, reason: 'STATIC' });
      await expect(p.resolveBooleanEvaluation('p-bool-off', true, ctx())).resolves.toMatchObject({ value: false, reason: 'DISABLED' });
      await expect(p.resolveObjectEvaluation('p-model', {}, ctx({ plan: 'pro' }))).resolves.toMatchObject({
        value: { model: 'claude-sonnet-4' },
        variant: 'treatment',
        reason: 'TARGETING_MATCH',
      });
      await expect(p.resolveObjectEvaluation('p-model', {}, ctx({ plan: 'free' }))).resolves.toMatchObject({
        value: { model: 'gpt-4o' },
        variant: 'control',
      });
      await expect(p.resolveNumberEvaluation('p-temperature', 1, ctx())).resolves.toMatchObject({ value: 0.2, variant: 'low' });
      await expect(p.resolveStringEvaluation('p-temperature', 'x', ctx())).resolves.toMatchObject({
        value: 'x',
        errorCode: ErrorCode.TYPE_MISMATCH,
      });
      await expect(p.resolveBooleanEvaluation('no-such-flag', true, ctx())).resolves.toMatchObject({
        value: true,
        errorCode: ErrorCode.FLAG_NOT_FOUND,
      });
    });

    it('hands track() events to the sink', () => {
      const seen: Array<[string, TrackingEventDetails]> = [];
      const p = provider({ trackSink: { track: (name, _ctx, details) => seen.push([name, details]) } });
      p.track('outcome', { targetingKey: 'u1' }, { value: 4, quality: 4 });
      expect(seen).toEqual([['outcome', { value: 4, quality: 4 }]]);
    });

    it('fails fast with a message naming the token when the token is wrong', async () => {
      const p = provider({ apiToken: 'default:development.not-a-real-token', initTimeoutMs: 20_000 });
      const started = Date.now();
      await expect(p.initialize()).rejects.toThrow(/refused the API token.*UNLEASH_API_TOKEN/);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(p.resolve('p-bool-on', 'boolean', false, { targetingKey: 'u1' }).errorCode).toBe(ErrorCode.PROVIDER_NOT_READY);

      // Through OpenFeature, as an app sees it: setProviderAndWait fails, evaluations get the default.
      const domain = randomUUID();
      await expect(OpenFeature.setProviderAndWait(domain, provider({ apiToken: 'default:development.wrong', initTimeoutMs: 20_000 }))).rejects.toThrow(
        /UNLEASH_API_TOKEN/,
      );
      await expect(OpenFeature.getClient(domain).getBooleanDetails('p-bool-on', false, { targetingKey: 'u1' })).resolves.toMatchObject({
        value: false,
        errorCode: ErrorCode.PROVIDER_FATAL,
      });
    });

    it('emits CONFIGURATION_CHANGED when a flag changes on the server', async () => {
      const p = provider();
      await p.initialize();
      const changed = new Promise<unknown>((resolve) => p.events.addHandler(ProviderEvents.ConfigurationChanged, resolve));
      await server.admin.setEnabled('p-bool-off', true);
      await expect(changed).resolves.toMatchObject({ flagsChanged: expect.arrayContaining(['p-bool-off']) });
      await expect(p.resolveBooleanEvaluation('p-bool-off', false, { targetingKey: 'u1' })).resolves.toMatchObject({ value: true });
    });
  });

  describe('parity with aiflags (the flag file exported and imported)', () => {
    let set: FlagSet;
    let unleash: UnleashProvider;
    let dir: string;
    const env = { ...process.env };

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'aiflags-unleash-'));
      writeFileSync(join(dir, 'flags.yaml'), FLAGS);
      set = parseFlags(FLAGS, 'flags.yaml');
      const { data, problems } = exportToUnleash(set);
      expect(problems).toEqual([]);
      await server.admin.importFeatures(data);
      await server.admin.waitForClientFeatures(data.features.map((f) => f.name));
      unleash = provider({ refreshInterval: 250 });
      await unleash.initialize();
    });

    afterAll(() => {
      process.env = env;
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('10,000 users, every flag: zero mismatches in value and variant', () => {
      const defaults: Record<FlagType, boolean | string | number | object> = { boolean: false, string: '', number: -1, object: {} };
      const keys = [...[...set.flags.values()].map((f) => [f.key, f.type] as const), ...[...set.killSwitches.keys()].map((k) => [k, 'boolean'] as const)];
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
      // The users really exercise each path: a ~10 % rollout, three-way splits, rules and their rollouts.
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

      async function answers(p: Provider) {
        const domain = randomUUID();
        await OpenFeature.setProviderAndWait(domain, p);
        const flags = aiFlags(OpenFeature.getClient(domain), { meter: false });
        const out = [];
        for (const ctx of users) out.push(await handleRequest(flags, ctx));
        return { out, flags };
      }

      type Tracked = Array<[string, string | undefined, TrackingEventDetails]>;
      const tracked = () => {
        const events: Tracked = [];
        return {
          events,
          sink: { track: (name: string, ctx: EvaluationContext, details: TrackingEventDetails) => events.push([name, ctx.targetingKey, details]) },
        };
      };
      let local: Awaited<ReturnType<typeof answers>>['out'];
      let localEvents: Tracked;

      beforeAll(async () => {
        const sink = tracked();
        localEvents = sink.events;
        const p = await createProvider({
          backend: 'local',
          flags: join(dir, 'flags.yaml'),
          stateDir: join(dir, '.aiflags'),
          watch: false,
          trackSink: sink.sink,
        });
        local = (await answers(p)).out;
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
        const p = await createProvider({ trackSink: sink.sink });
        expect(p.metadata.name).toBe('aiflags-unleash');
        const { out } = await answers(p);
        expect(out).toEqual(local);
        expect(new Set(local.map((a) => a.model[3])).size).toBe(2);
        expect(local[0]?.webSearch).toMatchObject({ error: 'Feature temporarily disabled' });
        expect(sink.events.length).toBeGreaterThanOrEqual(users.length);
        const strip = (events: Tracked) => events.map(([name, key, { latencyMs: _l, ...details }]) => [name, key, details]);
        expect(strip(sink.events)).toEqual(strip(localEvents));
      });

      it('killing the switch in Unleash reaches the guard without a restart', async () => {
        const p = await createProvider({
          backend: 'unleash',
          unleash: { url: server.apiUrl, apiToken: CLIENT_TOKEN, refreshInterval: 250 },
        });
        const { flags } = await answers(p);
        expect(await flags.guard('ai_agent_enabled', users[0])).toBeNull();
        const changed = new Promise((resolve) => p.events?.addHandler(ProviderEvents.ConfigurationChanged, resolve));
        await server.admin.setEnabled('ai_agent_enabled', false);
        await changed;
        expect(await flags.guard('ai_agent_enabled', users[0])).toEqual({ error: 'Feature temporarily disabled', retryAfter: 300 });
      });

      it('aiflags kill through the live-state overlay (Redis) reaches the guard of an app on Unleash, and the CLI waits for it', {
        timeout: 120_000,
      }, async () => {
        // Unleash on again (the test above switched it off there), so only the overlay can refuse.
        await server.admin.setEnabled('ai_agent_enabled', true);
        const name = `unleash-overlay-${randomUUID().slice(0, 8)}`;
        const env = {
          AIFLAGS_BACKEND: 'unleash',
          UNLEASH_URL: server.apiUrl,
          UNLEASH_API_TOKEN: CLIENT_TOKEN,
          UNLEASH_REFRESH_INTERVAL_MS: '250',
          REDIS_URL: testRedisUrl,
          AIFLAGS_ENV: name,
        };
        const flagsPath = join(dir, 'flags.yaml');
        const [app] = await startApps(1, { ...env, AIFLAGS_FLAGS: flagsPath, HEARTBEAT_MS: '1000' }, 'unleash-app');
        try {
          const deadline = Date.now() + 10_000;
          while ((await app!.guard('ai_agent_enabled')) !== null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
          expect(await app!.guard('ai_agent_enabled')).toBeNull();
          const kill = await runCli(['kill', 'ai_agent_enabled', '--flags', flagsPath, '--json'], { env });
          expect(kill.stderr).toBe('');
          expect(kill.code).toBe(0);
          const json = JSON.parse(kill.stdout) as KillJson;
          expect(json.layer).toBe('aiflags live-state overlay over unleash');
          expect(json.instances).toMatchObject({ confirmed: 1, total: 1, missing: [] });
          expect(await app!.guard('ai_agent_enabled')).toEqual(DENIED);
          expect((await runCli(['revive', 'ai_agent_enabled', '--flags', flagsPath], { env })).code).toBe(0);
          expect(await app!.guard('ai_agent_enabled')).toBeNull();
        } finally {
          await app!.stop();
          await deletePrefix(`aiflags:${name}`);
        }
      });
    });
  });

  // Last: it stops the server.
  describe('outage', () => {
    it('goes STALE when the server stops, keeps serving the last flags, and is READY again when it returns', async () => {
      const p = provider();
      await p.initialize();
      const stale = new Promise<void>((resolve) => p.events.addHandler(ProviderEvents.Stale, () => resolve()));
      await server.stopProcess();
      await stale;
      expect(p.connection).toBe('stale');
      await expect(p.resolveObjectEvaluation('p-model', {}, { targetingKey: 'u1', plan: 'pro' })).resolves.toMatchObject({
        value: { model: 'claude-sonnet-4' },
      });
      await expect(p.resolveObjectEvaluation('chat-model', {}, user(0))).resolves.toMatchObject({ variant: 'treatment' });
      // An app that starts during the outage: initialize gives up, and the first sync later says READY.
      const late = provider({ initTimeoutMs: 500 });
      await expect(late.initialize()).rejects.toThrow(/did not sync within 500 ms/);
      const lateReady = new Promise<void>((resolve) => late.events.addHandler(ProviderEvents.Ready, () => resolve()));
      const ready = new Promise<void>((resolve) => p.events.addHandler(ProviderEvents.Ready, () => resolve()));
      await server.startProcess();
      console.info(`unleash-server restarted in ${server.startupMs} ms`);
      await ready;
      expect(p.connection).toBe('ready');
      await lateReady;
      expect(late.resolve('p-bool-on', 'boolean', false, { targetingKey: 'u1' })).toMatchObject({ value: true });
    });
  });
});
