import { createServer } from 'node:net';
import { ErrorCode, ProviderEvents } from '@openfeature/server-sdk';
import { describe, expect, it } from 'vitest';
import { createUnleashProvider } from '../src/index.js';

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 1));
    });
  });
}

describe('UnleashProvider without a reachable server', () => {
  it('initialize gives up after initTimeoutMs naming the last error, and evaluations answer PROVIDER_NOT_READY', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/api/`;
    const provider = createUnleashProvider({ url, apiToken: 'default:development.x', refreshInterval: 100, initTimeoutMs: 1500 });
    try {
      const started = Date.now();
      // unleash-client retries a refused connection for ~11 s before it reports an error, so name the URL.
      await expect(provider.initialize()).rejects.toThrow(`Unleash at ${url} did not sync within 1500 ms`);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(provider.connection).toBe('starting');
      await expect(provider.resolveStringEvaluation('f', 'dflt', { targetingKey: 'u1' })).resolves.toMatchObject({
        value: 'dflt',
        errorCode: ErrorCode.PROVIDER_NOT_READY,
      });
    } finally {
      await provider.onClose();
    }
  });

  it.each([
    [{ apiToken: 't' }, /UNLEASH_URL/],
    [{ url: 'http://127.0.0.1:1/api/' }, /UNLEASH_API_TOKEN/],
  ])('names the missing setting: %o', (options, message) => {
    expect(() => createUnleashProvider(options)).toThrow(message);
  });

  it('track() without a sink is a no-op; events stay quiet before the first sync', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/api/`;
    const provider = createUnleashProvider({ url, apiToken: 't', refreshInterval: 100 });
    const seen: string[] = [];
    for (const event of [ProviderEvents.Ready, ProviderEvents.Stale, ProviderEvents.ConfigurationChanged]) {
      provider.events.addHandler(event, () => seen.push(event));
    }
    provider.track('outcome', { targetingKey: 'u1' }, { value: 1 });
    await new Promise((resolve) => setTimeout(resolve, 400));
    await provider.onClose();
    expect(seen).toEqual([]);
  });
});
