import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OpenFeature, ProviderEvents } from '@openfeature/server-sdk';
import type { JsonValue } from '@openfeature/server-sdk';
import { init } from '@launchdarkly/node-server-sdk';
import type { LDClient, LDLogger } from '@launchdarkly/node-server-sdk';
import { TestData } from '@launchdarkly/node-server-sdk/integrations';
import { createLaunchDarklyProvider, type LaunchDarklyProvider } from '../src/index.js';
import { LocalLDServer } from '@aiflags/testing';

const quiet: LDLogger = { error() {}, warn() {}, info() {}, debug() {} };
const ctx = { targetingKey: 'user-1', plan: 'pro' };

function rawFlag(key: string, variations: unknown[], variation: number, extra: Record<string, unknown> = {}) {
  return { key, version: 1, on: true, variations, fallthrough: { variation }, offVariation: 0, salt: key, ...extra };
}

function waitFor(provider: LaunchDarklyProvider, event: ProviderEvents): Promise<unknown> {
  return new Promise((resolve) => provider.events.addHandler(event, resolve));
}

describe('LaunchDarklyProvider over the real SDK (TestData)', () => {
  let td: TestData;
  let client: LDClient;
  let provider: LaunchDarklyProvider;

  beforeEach(async () => {
    td = new TestData();
    await td.update(td.flag('on-flag').booleanFlag().variationForAll(true));
    await td.update(td.flag('prompt').variations('a', 'b', 'c').fallthroughVariation(1).offVariation(0).on(true));
    await td.update(td.flag('temperature').variations(0.2, 0.9).fallthroughVariation(1).on(true));
    await td.update(td.flag('model').variations({ model: 'gpt-4o' }, { model: 'claude' }).fallthroughVariation(0));
    await td.update(td.flag('pro-only').booleanFlag().ifMatch('user', 'plan', 'pro').thenReturn(true).fallthroughVariation(false));
    await td.update(td.flag('off').variations('x', 'y').offVariation(1).on(false));
    client = init('sdk-key', { updateProcessor: td.getFactory(), sendEvents: false, diagnosticOptOut: true, logger: quiet });
    provider = createLaunchDarklyProvider({ client, catalog: { prompt: { variants: ['a', 'b', 'c'] } } });
    await OpenFeature.setProviderAndWait('ld-test', provider);
  });

  afterEach(async () => {
    await OpenFeature.clearProviders();
    client.close();
  });

  it.each([
    ['on-flag', 'boolean', false, { value: true, variant: '0', reason: 'STATIC' }],
    ['prompt', 'string', 'z', { value: 'b', variant: 'b', reason: 'STATIC' }],
    ['temperature', 'number', 0, { value: 0.9, variant: '1', reason: 'STATIC' }],
    ['model', 'object', {}, { value: { model: 'gpt-4o' }, variant: '0', reason: 'STATIC' }],
    ['pro-only', 'boolean', false, { value: true, variant: '0', reason: 'TARGETING_MATCH' }],
    ['off', 'string', 'z', { value: 'y', variant: '1', reason: 'DISABLED' }],
  ] as const)('%s (%s) evaluates through the SDK', async (key, type, fallback, expected) => {
    const client = OpenFeature.getClient('ld-test');
    const details =
      type === 'boolean'
        ? await client.getBooleanDetails(key, fallback as boolean, ctx)
        : type === 'string'
          ? await client.getStringDetails(key, fallback as string, ctx)
          : type === 'number'
            ? await client.getNumberDetails(key, fallback as number, ctx)
            : await client.getObjectDetails(key, fallback as JsonValue, ctx);
    expect(details).toMatchObject(expected);
    expect(details.errorCode).toBeUndefined();
  });

  it('an unknown flag gives the default with FLAG_NOT_FOUND', async () => {
    const details = await OpenFeature.getClient('ld-test').getStringDetails('nope', 'fallback', ctx);
    expect(details).toMatchObject({ value: 'fallback', reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND' });
  });

  it('a value of the wrong type gives the default with TYPE_MISMATCH, no exception', async () => {
    const details = await OpenFeature.getClient('ld-test').getNumberDetails('prompt', 42, ctx);
    expect(details).toMatchObject({ value: 42, reason: 'ERROR', errorCode: 'TYPE_MISMATCH' });
  });

  it('a context without a key gives the default with TARGETING_KEY_MISSING', async () => {
    const details = await OpenFeature.getClient('ld-test').getBooleanDetails('on-flag', false, { plan: 'pro' });
    expect(details).toMatchObject({ value: false, errorCode: 'TARGETING_KEY_MISSING' });
  });

  it("emits CONFIGURATION_CHANGED with the flag key on the SDK's update", async () => {
    const changed = waitFor(provider, ProviderEvents.ConfigurationChanged);
    await td.update(td.flag('prompt').variations('a', 'b', 'c').fallthroughVariation(2));
    expect(await changed).toMatchObject({ flagsChanged: ['prompt'] });
    expect(await OpenFeature.getClient('ld-test').getStringValue('prompt', 'z', ctx)).toBe('c');
  });

  it('does not close a client it was given, but detaches its listeners from it', async () => {
    const before = client.listenerCount('update');
    await provider.onClose();
    expect(client.listenerCount('update')).toBe(before - 1);
    expect(await client.variation('on-flag', { key: 'u' }, false)).toBe(true);
  });
});

describe('LaunchDarklyProvider over a local LaunchDarkly endpoint', () => {
  let server: LocalLDServer;
  const payload = () => ({
    flags: { greeting: rawFlag('greeting', ['hello', 'hi'], 1) },
    segments: {},
  });

  beforeEach(async () => {
    server = new LocalLDServer(payload());
    await server.start();
  });

  afterEach(async () => {
    await OpenFeature.clearProviders();
    await server.stop();
  });

  it('answers PROVIDER_NOT_READY while the SDK is not initialized in time, then recovers with READY', async () => {
    server.delayMs = 1_500;
    const provider = createLaunchDarklyProvider({
      sdkKey: 'sdk-key',
      baseUri: server.uri,
      initTimeoutMs: 200,
      ldOptions: { sendEvents: false, diagnosticOptOut: true, logger: quiet },
    });
    const ready = waitFor(provider, ProviderEvents.Ready);
    await expect(OpenFeature.setProviderAndWait('ld-slow', provider)).rejects.toThrow(/not ready/);
    const of = OpenFeature.getClient('ld-slow');
    expect(await of.getStringDetails('greeting', 'fallback', ctx)).toMatchObject({
      value: 'fallback',
      errorCode: 'PROVIDER_NOT_READY',
    });
    await ready;
    expect(await of.getStringDetails('greeting', 'fallback', ctx)).toMatchObject({ value: 'hi', reason: 'STATIC' });
    expect(of.providerStatus).toBe('READY');
  });

  it('an SDK key LaunchDarkly rejects (401) is an ERROR event and a failed initialize', async () => {
    server.failWith = 401;
    const provider = createLaunchDarklyProvider({
      sdkKey: 'bad-key',
      baseUri: server.uri,
      ldOptions: { sendEvents: false, diagnosticOptOut: true, logger: quiet },
    });
    const error = waitFor(provider, ProviderEvents.Error);
    await expect(OpenFeature.setProviderAndWait('ld-401', provider)).rejects.toThrow(/not ready/);
    expect(await error).toMatchObject({ message: expect.stringMatching(/Authentication failed/) });
    expect(await OpenFeature.getClient('ld-401').getStringDetails('greeting', 'fallback', ctx)).toMatchObject({
      value: 'fallback',
      errorCode: 'PROVIDER_NOT_READY',
    });
  });

  it('reports a dropped stream as STALE and the reconnection as READY', async () => {
    const provider = createLaunchDarklyProvider({
      sdkKey: 'sdk-key',
      ldOptions: {
        streamUri: server.uri,
        baseUri: server.uri,
        streamInitialReconnectDelay: 0.05,
        sendEvents: false,
        diagnosticOptOut: true,
        logger: quiet,
      },
    });
    await OpenFeature.setProviderAndWait('ld-stream', provider);
    const stale = waitFor(provider, ProviderEvents.Stale);
    const ready = waitFor(provider, ProviderEvents.Ready);
    server.dropStreams();
    await stale;
    await ready;
    const changed = waitFor(provider, ProviderEvents.ConfigurationChanged);
    server.publish({ flags: { greeting: rawFlag('greeting', ['hello', 'hi'], 0, { version: 2 }) }, segments: {} });
    await changed;
    expect(await OpenFeature.getClient('ld-stream').getStringValue('greeting', 'fallback', ctx)).toBe('hello');
  });

  it('forwards track() with the metric value to LaunchDarkly events', async () => {
    const provider = createLaunchDarklyProvider({
      sdkKey: 'sdk-key',
      baseUri: server.uri,
      ldOptions: { eventsUri: server.uri, diagnosticOptOut: true, logger: quiet },
    });
    await OpenFeature.setProviderAndWait('ld-track', provider);
    OpenFeature.getClient('ld-track').track('quality', ctx, { value: 4, variant: 'treatment' });
    await provider.client.flush();
    expect(server.events).toContainEqual(
      expect.objectContaining({
        kind: 'custom',
        key: 'quality',
        metricValue: 4,
        data: { variant: 'treatment' },
      }),
    );
  });

  it('closes a client it created: the stream connection ends', async () => {
    const provider = createLaunchDarklyProvider({
      sdkKey: 'sdk-key',
      ldOptions: { streamUri: server.uri, sendEvents: false, diagnosticOptOut: true, logger: quiet },
    });
    await OpenFeature.setProviderAndWait('ld-close', provider);
    expect(server.openStreams).toBe(1);
    await OpenFeature.clearProviders();
    await expect.poll(() => server.openStreams).toBe(0);
  });
});
