import { readFile } from 'node:fs/promises';
import type { Provider } from '@openfeature/server-sdk';
import { parseFlags } from '@aiflags/core';
import type { FlagsmithCatalog, FlagsmithExport } from '@aiflags/flagsmith';
import type { BackendConfig } from '../config.js';
import type { RuntimeSpec } from '../runtime-spec.js';
import { importOptionalPeer } from './optional-peer.js';

const SDK = 'flagsmith-nodejs';

/**
 * The OpenFeature provider for AIFLAGS_BACKEND=flagsmith: FLAGSMITH_ENVIRONMENT_KEY (a server-side `ser.` key
 * evaluates locally), optionally FLAGSMITH_API_URL (self-hosted, Edge Proxy), or FLAGSMITH_ENVIRONMENT_FILE
 * (an exported document, no connection). Variant keys come from the document's catalog, else the flag file.
 */
export async function createBackendProvider(config: BackendConfig, spec: RuntimeSpec): Promise<Provider> {
  const { createFlagsmithProvider, exportToFlagsmith } = await importOptionalPeer(() => import('@aiflags/flagsmith'), 'flagsmith', SDK);
  const { environmentKey, apiUrl, environmentFile, refreshIntervalSeconds, initTimeoutMs } = spec.flagsmith;
  const catalog = environmentFile ? await catalogOfExport(environmentFile) : await catalogOfFlagFile(spec.flagsPath, exportToFlagsmith);
  return createFlagsmithProvider({
    ...(environmentFile ? { environmentFile } : environmentKey ? { environmentKey } : {}),
    ...(apiUrl ? { apiUrl } : {}),
    ...(refreshIntervalSeconds !== undefined ? { refreshIntervalSeconds } : {}),
    ...(initTimeoutMs !== undefined ? { initTimeoutMs } : {}),
    ...(catalog ? { catalog } : {}),
    ...(config.trackSink ? { trackSink: config.trackSink } : {}),
  });
}

async function catalogOfExport(path: string): Promise<FlagsmithCatalog | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`FLAGSMITH_ENVIRONMENT_FILE: cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    return (JSON.parse(text) as Partial<FlagsmithExport>).catalog;
  } catch (error) {
    throw new Error(`FLAGSMITH_ENVIRONMENT_FILE: ${path} is not an environment document (JSON): ${(error as Error).message}`);
  }
}

// The flag file is optional on this backend: without it results carry no variant keys.
async function catalogOfFlagFile(
  path: string,
  exportToFlagsmith: typeof import('@aiflags/flagsmith').exportToFlagsmith,
): Promise<FlagsmithCatalog | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  return exportToFlagsmith(parseFlags(text, path)).data.catalog;
}
