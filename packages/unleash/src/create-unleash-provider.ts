import { InMemStorageProvider, Unleash } from 'unleash-client';
import type { UnleashConfig } from 'unleash-client';
import { redactUrl } from '@aiflags/core';
import { UnleashProvider } from './unleash-provider.js';
import type { UnleashProviderOptions } from './unleash-provider.js';

export interface CreateUnleashProviderOptions extends Omit<UnleashProviderOptions, 'ownsClient'> {
  /** An existing (started or starting) instance; the provider never destroys an instance it was given. */
  unleash?: Unleash;
  /** Client API URL of the server, e.g. https://unleash.example.com/api/ (UNLEASH_URL). */
  url?: string;
  /** A backend (client) API token (UNLEASH_API_TOKEN). */
  apiToken?: string;
  /** Reported to Unleash as the application name (default 'aiflags'). */
  appName?: string;
  /** How often the created client polls for changes, in ms (default 15 000, unleash-client's default). */
  refreshInterval?: number;
  /** Passed to `new Unleash()` as they are; the fields above win. */
  unleashConfig?: Partial<UnleashConfig>;
}

/**
 * An `UnleashProvider` over a given instance, or over one created from url + apiToken. A created
 * instance keeps its flags in memory: no backup file from an earlier run is served as if it were fresh.
 */
export function createUnleashProvider(options: CreateUnleashProviderOptions): UnleashProvider {
  const { unleash, url, apiToken, appName, refreshInterval, unleashConfig, ...providerOptions } = options;
  if (unleash) return new UnleashProvider(unleash, providerOptions);
  if (!url) throw new Error('Unleash backend: set UNLEASH_URL to the client API URL, e.g. https://unleash.example.com/api/');
  if (!apiToken) throw new Error('Unleash backend: set UNLEASH_API_TOKEN to a backend (client) API token');
  checkUnleashUrl(url);
  let created: Unleash;
  try {
    created = new Unleash({
      storageProvider: new InMemStorageProvider(),
      skipInstanceCountWarning: true,
      ...unleashConfig,
      appName: appName ?? unleashConfig?.appName ?? 'aiflags',
      url,
      refreshInterval: refreshInterval ?? unleashConfig?.refreshInterval,
      customHeaders: { ...unleashConfig?.customHeaders, Authorization: apiToken },
    });
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new Error(`Unleash backend: unleash-client could not start with UNLEASH_URL "${redactUrl(url)}": ${redactUrl(why)}`);
  }
  return new UnleashProvider(created, { url, ...providerOptions, ownsClient: true });
}

/**
 * Rejects a UNLEASH_URL that is not an http(s) URL with a one-line error. unleash-client would accept it and
 * then throw an uncaught TypeError from its first fetch, ending the process with the whole URL in the trace.
 */
function checkUnleashUrl(url: string): void {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new Error(
      `Unleash backend: UNLEASH_URL "${redactUrl(url)}" is not an http(s) URL: expected the client API URL, e.g. https://unleash.example.com/api/ (percent-encode / @ : in a password)`,
    );
  }
}
