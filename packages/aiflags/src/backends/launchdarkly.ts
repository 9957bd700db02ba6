import type { Provider } from '@openfeature/server-sdk';
import type { BackendConfig } from '../config.js';

/** The OpenFeature provider for AIFLAGS_BACKEND=launchdarkly. */
export async function createBackendProvider(_config: BackendConfig): Promise<Provider> {
  throw new Error('the LaunchDarkly backend is not built yet');
}
