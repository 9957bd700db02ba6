import type { Provider } from '@openfeature/server-sdk';
import type { BackendConfig } from '../config.js';
import { importOptionalPeer } from './optional-peer.js';

/**
 * The OpenFeature provider for AIFLAGS_BACKEND=unleash: UNLEASH_URL (the client API URL, e.g.
 * https://unleash.example.com/api/) and UNLEASH_API_TOKEN (a backend token); optionally UNLEASH_APP_NAME
 * and UNLEASH_REFRESH_INTERVAL_MS. `track()` events go to `config.trackSink`, as on the local backend.
 */
export async function createBackendProvider(config: BackendConfig): Promise<Provider> {
  const { createUnleashProvider } = await importOptionalPeer(() => import('@aiflags/unleash'), 'unleash', 'unleash-client');
  const options = config.unleash ?? {};
  const url = options.url ?? process.env.UNLEASH_URL;
  const apiToken = options.apiToken ?? process.env.UNLEASH_API_TOKEN;
  const appName = options.appName ?? process.env.UNLEASH_APP_NAME;
  const refreshInterval = options.refreshInterval ?? numberFromEnv('UNLEASH_REFRESH_INTERVAL_MS');
  return createUnleashProvider({
    ...(url ? { url } : {}),
    ...(apiToken ? { apiToken } : {}),
    ...(appName ? { appName } : {}),
    ...(refreshInterval !== undefined ? { refreshInterval } : {}),
    ...(options.initTimeoutMs !== undefined ? { initTimeoutMs: options.initTimeoutMs } : {}),
    ...(config.trackSink ? { trackSink: config.trackSink } : {}),
  });
}

function numberFromEnv(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name}: expected a positive number of ms, got '${raw}'`);
  return value;
}
