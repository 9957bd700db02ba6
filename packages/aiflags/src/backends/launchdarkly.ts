import { readFile } from 'node:fs/promises';
import type { Provider } from '@openfeature/server-sdk';
import { parseFlags } from '@aiflags/core';
import type { FlagCatalog, LaunchDarklyExport } from '@aiflags/launchdarkly';
import type { RuntimeSpec } from '../runtime-spec.js';
import { importOptionalPeer } from './optional-peer.js';

const SDK = '@launchdarkly/node-server-sdk';

/**
 * The OpenFeature provider for AIFLAGS_BACKEND=launchdarkly: LAUNCHDARKLY_SDK_KEY, optionally
 * LAUNCHDARKLY_BASE_URI (relay / local endpoint) or LAUNCHDARKLY_DATA_FILE (an exported file, no connection).
 * Variant keys come from the export file's catalog, else from the flag file if one is there.
 */
export async function createBackendProvider(spec: RuntimeSpec): Promise<Provider> {
  const { FileDataSourceFactory } = await importOptionalPeer(() => import('@launchdarkly/node-server-sdk/integrations'), 'launchdarkly', SDK);
  const { createLaunchDarklyProvider, exportToLaunchDarkly } = await importOptionalPeer(() => import('@aiflags/launchdarkly'), 'launchdarkly', SDK);
  const options = spec.launchdarkly;
  const { sdkKey, baseUri, dataFile } = options;
  const catalog = dataFile ? await catalogOfExport(dataFile) : await catalogOfFlagFile(spec.flagsPath, exportToLaunchDarkly);
  const common = {
    ...(catalog ? { catalog } : {}),
    ...(options.initTimeoutMs !== undefined ? { initTimeoutMs: options.initTimeoutMs } : {}),
  };
  if (dataFile) {
    const files = new FileDataSourceFactory({ paths: [dataFile], autoUpdate: true });
    // Without an SDK key nothing is sent anywhere: the file is the whole of LaunchDarkly.
    return createLaunchDarklyProvider({
      ...common,
      sdkKey: sdkKey ?? 'offline-data-file',
      ldOptions: { updateProcessor: files.getFactory(), sendEvents: sdkKey !== undefined, diagnosticOptOut: !sdkKey },
    });
  }
  return createLaunchDarklyProvider({ ...common, ...(sdkKey ? { sdkKey } : {}), ...(baseUri ? { baseUri } : {}) });
}

async function catalogOfExport(path: string): Promise<FlagCatalog | undefined> {
  const data = JSON.parse(await readFile(path, 'utf8')) as Partial<LaunchDarklyExport>;
  return data.catalog;
}

// The flag file is optional on this backend: without it variants are LaunchDarkly's variation indexes.
async function catalogOfFlagFile(
  path: string,
  exportToLaunchDarkly: typeof import('@aiflags/launchdarkly').exportToLaunchDarkly,
): Promise<FlagCatalog | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  return exportToLaunchDarkly(parseFlags(text, path)).data.catalog;
}
