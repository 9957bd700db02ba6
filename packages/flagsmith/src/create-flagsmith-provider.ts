import { Flagsmith, LocalFileHandler } from 'flagsmith-nodejs';
import type { FlagsmithConfig } from 'flagsmith-nodejs';
import { FlagsmithProvider } from './flagsmith-provider.js';
import type { FlagsmithProviderOptions } from './flagsmith-provider.js';

export interface CreateFlagsmithProviderOptions extends Omit<FlagsmithProviderOptions, 'ownsClient'> {
  /** An existing client; the provider never closes a client it was given (nor sees its polls). */
  client?: Flagsmith;
  /** The environment key (FLAGSMITH_ENVIRONMENT_KEY): a server-side `ser.` key evaluates locally, any other remotely. */
  environmentKey?: string;
  /** A self-hosted Flagsmith API or an Edge Proxy, e.g. http://flagsmith.internal/api/v1/ (FLAGSMITH_API_URL). */
  apiUrl?: string;
  /** An environment document (FLAGSMITH_ENVIRONMENT_FILE, e.g. from `aiflags export --to flagsmith`): offline, nothing fetched. */
  environmentFile?: string;
  /** How often a local-evaluation client polls the environment document, in seconds (default 60, the SDK's). */
  refreshIntervalSeconds?: number;
  /** Passed to `new Flagsmith()` as they are; the fields above win. */
  flagsmithConfig?: Partial<FlagsmithConfig>;
}

/**
 * A `FlagsmithProvider` over a given client, or over one created from an environment key (local
 * evaluation for server-side keys) or an environment document (offline), whose polls it watches.
 */
export function createFlagsmithProvider(options: CreateFlagsmithProviderOptions): FlagsmithProvider {
  const { client, environmentKey, apiUrl, environmentFile, refreshIntervalSeconds, flagsmithConfig, ...providerOptions } = options;
  if (client) return new FlagsmithProvider(client, providerOptions);
  if (!environmentKey && !environmentFile) {
    throw new Error('Flagsmith backend: set FLAGSMITH_ENVIRONMENT_KEY (or FLAGSMITH_ENVIRONMENT_FILE for an offline environment document)');
  }
  let provider: FlagsmithProvider | undefined;
  const config: FlagsmithConfig = {
    logger: quietLogger(),
    ...flagsmithConfig,
    onEnvironmentChange: (error, environment) => {
      flagsmithConfig?.onEnvironmentChange?.(error, environment);
      provider?.environmentChanged(error, environment);
    },
  };
  if (environmentFile) {
    config.offlineMode = true;
    config.offlineHandler = offlineDocument(environmentFile);
  } else {
    config.environmentKey = environmentKey;
    config.enableLocalEvaluation = environmentKey?.startsWith('ser.') ?? false;
    if (apiUrl) config.apiUrl = apiUrl;
    if (refreshIntervalSeconds !== undefined) config.environmentRefreshIntervalSeconds = refreshIntervalSeconds;
  }
  provider = new FlagsmithProvider(new Flagsmith(config), { ...providerOptions, ownsClient: true });
  return provider;
}

/** The SDK reads the document at once and would throw a bare ENOENT or SyntaxError: name the file. */
function offlineDocument(path: string): LocalFileHandler {
  try {
    return new LocalFileHandler(path);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new Error(`Flagsmith backend: cannot load the environment document ${path} (FLAGSMITH_ENVIRONMENT_FILE): ${why}`);
  }
}

/** The SDK logs with pino to stdout by default; the provider reports failures as events, so warnings go to stderr, one line each. */
function quietLogger(): FlagsmithConfig['logger'] {
  const line = (args: unknown[]) => {
    const text = args
      .map((a) => (a instanceof Error ? a.message : typeof a === 'string' ? a : ''))
      .filter(Boolean)
      .join(': ');
    process.stderr.write(`flagsmith: ${text}\n`);
  };
  return { error: (...args: unknown[]) => line(args), warn: (...args: unknown[]) => line(args) } as unknown as FlagsmithConfig['logger'];
}
