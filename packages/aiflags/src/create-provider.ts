import type { Provider } from '@openfeature/server-sdk';
import { LocalProvider } from '@aiflags/provider';
import type { BackendConfig } from './config.js';
import { openRuntime } from './runtime.js';
import { resolveRuntimeSpec } from './runtime-spec.js';

/**
 * The OpenFeature provider for the configured backend (config, else AIFLAGS_BACKEND, else local).
 * Local: the flag file (config.flags, AIFLAGS_FLAGS, ./flags.yaml) with live state from `.aiflags/` or Redis.
 */
export async function createProvider(config: BackendConfig = {}): Promise<Provider> {
  const spec = resolveRuntimeSpec(config);
  if (spec.backend === 'launchdarkly') return (await import('./backends/launchdarkly.js')).createBackendProvider(spec);
  if (spec.backend === 'unleash') return (await import('./backends/unleash.js')).createBackendProvider(config, spec);
  const runtime = await openRuntime(spec);
  return new LocalProvider({
    file: runtime.flagsPath,
    state: runtime.state,
    ...(config.presence !== false
      ? { presence: { store: runtime.presence, storeLabel: spec.storeLabel, app: config.presence?.app ?? spec.appName, ...(config.presence?.heartbeatMs !== undefined ? { heartbeatMs: config.presence.heartbeatMs } : {}) } }
      : {}),
    ...(config.watch !== undefined ? { watch: config.watch } : {}),
    ...(config.trackSink ? { trackSink: config.trackSink } : {}),
    dispose: () => runtime.close(),
  });
}
