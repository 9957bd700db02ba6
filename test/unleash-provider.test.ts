import { ErrorCode, ProviderEvents } from '@openfeature/server-sdk';
import type { TrackingEventDetails } from '@openfeature/server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUnleashProvider } from '@aiflags/unleash';
import type { UnleashProvider } from '@aiflags/unleash';
import { CLIENT_TOKEN, shouldRunUnleashTests, startUnleashServer } from './unleash-server/harness.js';
import type { UnleashServer } from './unleash-server/harness.js';

const run = shouldRunUnleashTests();

const variant = (name: string, weight: number, payload?: { type: string; value: string }, weightType = 'fix') => ({
  name,
  weight,
  weightType,
  stickiness: 'default',
  ...(payload ? { payload } : {}),
});

describe.skipIf(!run)('UnleashProvider against a real unleash-server', () => {
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
    const { admin } = server;
    await admin.createFeature('bool-on');
    await admin.addStrategy('bool-on', { name: 'flexibleRollout', parameters: { rollout: '100', stickiness: 'default', groupId: 'bool-on' } });
    await admin.setEnabled('bool-on', true);
    await admin.createFeature('bool-off');
    await admin.addStrategy('bool-off', { name: 'flexibleRollout', parameters: { rollout: '100', stickiness: 'default', groupId: 'bool-off' } });
    await admin.createFeature('model');
    await admin.addStrategy('model', {
      name: 'flexibleRollout',
      parameters: { rollout: '100', stickiness: 'default', groupId: 'model' },
      constraints: [{ contextName: 'plan', operator: 'IN', values: ['pro'] }],
      variants: [variant('treatment', 1000, { type: 'json', value: '{"model":"claude-sonnet-4"}' }, 'variable')],
    });
    await admin.addStrategy('model', {
      name: 'flexibleRollout',
      parameters: { rollout: '100', stickiness: 'default', groupId: 'model' },
      variants: [variant('control', 1000, { type: 'json', value: '{"model":"gpt-4o"}' }, 'variable')],
    });
    await admin.setEnabled('model', true);
    await admin.createFeature('temperature');
    await admin.addStrategy('temperature', {
      name: 'flexibleRollout',
      parameters: { rollout: '100', stickiness: 'default', groupId: 'temperature' },
      variants: [variant('low', 1000, { type: 'number', value: '0.2' }, 'variable')],
    });
    await admin.setEnabled('temperature', true);
  });

  afterAll(async () => {
    await Promise.all(providers.map((p) => p.onClose()));
    await server?.stop();
  });

  it('answers PROVIDER_NOT_READY before the first sync, then every type after it', async () => {
    const p = provider();
    const early = p.resolve('bool-on', 'boolean', false, { targetingKey: 'u1' });
    expect(early.errorCode).toBe(ErrorCode.PROVIDER_NOT_READY);
    expect(early.value).toBe(false);
    await p.initialize();
    expect(p.connection).toBe('ready');

    await expect(p.resolveBooleanEvaluation('bool-on', false, { targetingKey: 'u1' })).resolves.toMatchObject({ value: true, reason: 'STATIC' });
    await expect(p.resolveBooleanEvaluation('bool-off', true, { targetingKey: 'u1' })).resolves.toMatchObject({ value: false, reason: 'DISABLED' });
    await expect(p.resolveObjectEvaluation('model', {}, { targetingKey: 'u1', plan: 'pro' })).resolves.toMatchObject({
      value: { model: 'claude-sonnet-4' },
      variant: 'treatment',
      reason: 'TARGETING_MATCH',
    });
    await expect(p.resolveObjectEvaluation('model', {}, { targetingKey: 'u1', plan: 'free' })).resolves.toMatchObject({
      value: { model: 'gpt-4o' },
      variant: 'control',
    });
    await expect(p.resolveNumberEvaluation('temperature', 1, { targetingKey: 'u1' })).resolves.toMatchObject({ value: 0.2, variant: 'low' });
    await expect(p.resolveStringEvaluation('temperature', 'x', { targetingKey: 'u1' })).resolves.toMatchObject({
      value: 'x',
      errorCode: ErrorCode.TYPE_MISMATCH,
    });
    await expect(p.resolveBooleanEvaluation('no-such-flag', true, { targetingKey: 'u1' })).resolves.toMatchObject({
      value: true,
      errorCode: ErrorCode.FLAG_NOT_FOUND,
    });
  });

  it('hands track() events to the sink', async () => {
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
    expect(p.resolve('bool-on', 'boolean', false, { targetingKey: 'u1' }).errorCode).toBe(ErrorCode.PROVIDER_NOT_READY);
  });

  it('emits CONFIGURATION_CHANGED when a flag changes on the server', async () => {
    const p = provider();
    await p.initialize();
    const changed = new Promise<unknown>((resolve) => p.events.addHandler(ProviderEvents.ConfigurationChanged, resolve));
    await server.admin.setEnabled('bool-off', true);
    await expect(changed).resolves.toMatchObject({ flagsChanged: expect.arrayContaining(['bool-off']) });
    await expect(p.resolveBooleanEvaluation('bool-off', false, { targetingKey: 'u1' })).resolves.toMatchObject({ value: true });
  });

  it('goes STALE when the server stops, keeps serving the last flags, and is READY again when it returns', async () => {
    const p = provider();
    await p.initialize();
    const stale = new Promise<void>((resolve) => p.events.addHandler(ProviderEvents.Stale, () => resolve()));
    await server.stopProcess();
    await stale;
    expect(p.connection).toBe('stale');
    await expect(p.resolveObjectEvaluation('model', {}, { targetingKey: 'u1', plan: 'pro' })).resolves.toMatchObject({
      value: { model: 'claude-sonnet-4' },
    });
    const ready = new Promise<void>((resolve) => p.events.addHandler(ProviderEvents.Ready, () => resolve()));
    await server.startProcess();
    await ready;
    expect(p.connection).toBe('ready');
  });
});
