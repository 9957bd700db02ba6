import type { Provider } from '@openfeature/server-sdk';
import type { FlagSet } from '@aiflags/core';
import { LiveStateOverlayProvider, loadFlagFile, LocalProvider, type PresenceOptions } from '@aiflags/provider';
import type { BackendConfig } from './config.js';
import { openRuntime, type Runtime } from './runtime.js';
import { resolveRuntimeSpec, type RuntimeSpec } from './runtime-spec.js';

/**
 * The OpenFeature provider for the configured backend (config, else AIFLAGS_BACKEND, else local).
 * Local: the flag file (config.flags, AIFLAGS_FLAGS, ./flags.yaml) with live state from `.aiflags/` or Redis.
 * LaunchDarkly, Unleash and Flagsmith: the vendor's provider under aiflags' live-state overlay, so `aiflags kill`
 * and a flag switched off apply there too (turn it off with `overlay: false`).
 */
export async function createProvider(config: BackendConfig = {}): Promise<Provider> {
  const spec = resolveRuntimeSpec(config);
  if (spec.backend !== 'local') {
    const vendor = await vendorProvider(config, spec);
    if (config.overlay === false) return vendor;
    const runtime = await openRuntime(spec);
    const flags = await optionalFlagSet(spec.flagsPath);
    return new LiveStateOverlayProvider({
      provider: vendor,
      state: runtime.state,
      backend: spec.backend,
      ...(flags ? { flags } : {}),
      ...presenceOf(config, runtime),
      dispose: () => runtime.close(),
    });
  }
  const runtime = await openRuntime(spec);
  return new LocalProvider({
    file: runtime.flagsPath,
    state: runtime.state,
    ...presenceOf(config, runtime),
    ...(config.watch !== undefined ? { watch: config.watch } : {}),
    ...(config.trackSink ? { trackSink: config.trackSink } : {}),
    dispose: () => runtime.close(),
  });
}

async function vendorProvider(config: BackendConfig, spec: RuntimeSpec): Promise<Provider> {
  switch (spec.backend) {
    case 'launchdarkly':
      return (await import('./backends/launchdarkly.js')).createBackendProvider(spec);
    case 'flagsmith':
      return (await import('./backends/flagsmith.js')).createBackendProvider(config, spec);
    default:
      return (await import('./backends/unleash.js')).createBackendProvider(config, spec);
  }
}

function presenceOf(config: BackendConfig, runtime: Runtime): { presence?: PresenceOptions } {
  if (config.presence === false) return {};
  const { heartbeatMs, app } = config.presence ?? {};
  return {
    presence: {
      store: runtime.presence,
      storeLabel: runtime.spec.storeLabel,
      app: app ?? runtime.spec.appName,
      ...(heartbeatMs !== undefined ? { heartbeatMs } : {}),
    },
  };
}

// On a vendor backend the flag file is optional: it gives switches' retryAfter and flags' off variants.
async function optionalFlagSet(path: string): Promise<FlagSet | undefined> {
  try {
    return (await loadFlagFile(path)).set;
  } catch {
    return undefined;
  }
}
