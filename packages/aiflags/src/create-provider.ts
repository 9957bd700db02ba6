import type { Provider } from '@openfeature/server-sdk';
import { LocalProvider } from '@aiflags/provider';
import { backendOf, type BackendConfig } from './config.js';
import { resolveRuntime } from './runtime.js';

/**
 * The OpenFeature provider for the configured backend (config, else AIFLAGS_BACKEND, else local).
 * Local: the flag file (config.flags, AIFLAGS_FLAGS, ./flags.yaml) with live state from `.aiflags/` or Redis.
 */
export async function createProvider(config: BackendConfig = {}): Promise<Provider> {
  const backend = backendOf(config);
  if (backend === 'launchdarkly') return (await import('./backends/launchdarkly.js')).createBackendProvider(config);
  if (backend === 'unleash') return (await import('./backends/unleash.js')).createBackendProvider(config);
  const runtime = await resolveRuntime(config);
  return new LocalProvider({
    file: runtime.flagsPath,
    state: runtime.state,
    ...(config.watch !== undefined ? { watch: config.watch } : {}),
    ...(config.trackSink ? { trackSink: config.trackSink } : {}),
    dispose: () => runtime.close(),
  });
}
