import type { Provider } from '@openfeature/server-sdk';
import type { BackendConfig } from '../config.js';
import type { RuntimeSpec } from '../runtime-spec.js';
import { importOptionalPeer } from './optional-peer.js';

/**
 * The OpenFeature provider for AIFLAGS_BACKEND=unleash: UNLEASH_URL (the client API URL, e.g.
 * https://unleash.example.com/api/) and UNLEASH_API_TOKEN (a backend token); optionally UNLEASH_APP_NAME
 * and UNLEASH_REFRESH_INTERVAL_MS. `track()` events go to `config.trackSink`, as on the local backend.
 */
export async function createBackendProvider(config: BackendConfig, spec: RuntimeSpec): Promise<Provider> {
  const { createUnleashProvider } = await importOptionalPeer(() => import('@aiflags/unleash'), 'unleash', 'unleash-client');
  const options = spec.unleash;
  const { url, apiToken, appName, refreshInterval } = options;
  return createUnleashProvider({
    ...(url ? { url } : {}),
    ...(apiToken ? { apiToken } : {}),
    ...(appName ? { appName } : {}),
    ...(refreshInterval !== undefined ? { refreshInterval } : {}),
    ...(options.initTimeoutMs !== undefined ? { initTimeoutMs: options.initTimeoutMs } : {}),
    ...(config.trackSink ? { trackSink: config.trackSink } : {}),
  });
}
