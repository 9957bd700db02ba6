import type { Provider } from '@openfeature/server-sdk';
import type { BackendConfig } from '../config.js';

/** The OpenFeature provider for AIFLAGS_BACKEND=unleash. */
export async function createBackendProvider(_config: BackendConfig): Promise<Provider> {
  throw new Error('the Unleash backend is not built yet');
}
