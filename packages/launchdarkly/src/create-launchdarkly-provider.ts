import { basicLogger, init } from '@launchdarkly/node-server-sdk';
import type { LDClient, LDLogger, LDOptions } from '@launchdarkly/node-server-sdk';
import { LaunchDarklyProvider } from './launchdarkly-provider.js';
import type { LaunchDarklyProviderOptions } from './launchdarkly-provider.js';

export interface CreateLaunchDarklyProviderOptions extends Omit<LaunchDarklyProviderOptions, 'ownsClient'> {
  /** An existing client; the provider never closes a client it was given. */
  client?: LDClient;
  /** SDK key for a client the provider creates (and closes in `onClose`). */
  sdkKey?: string;
  /**
   * A Relay Proxy (or any endpoint serving LaunchDarkly's SDK API): used for polling, streaming and
   * events, as LaunchDarkly's relay setup asks (`baseUri`, `streamUri`, `eventsUri`).
   */
  baseUri?: string;
  /** Passed to `init` as they are; `baseUri` above wins over `ldOptions.baseUri`. */
  ldOptions?: LDOptions;
}

/** The SDK reports a dropped or restored connection only in log lines (streaming and polling). */
const RETRYING = /will retry/i;
const CONNECTED = /Opened LaunchDarkly stream connection/;

/**
 * A `LaunchDarklyProvider` over a given client, or over one created from an SDK key whose logger is
 * watched so a lost connection becomes an OpenFeature STALE event.
 */
export function createLaunchDarklyProvider(options: CreateLaunchDarklyProviderOptions): LaunchDarklyProvider {
  const { client, sdkKey, baseUri, ldOptions, ...providerOptions } = options;
  if (client) return new LaunchDarklyProvider(client, providerOptions);
  if (!sdkKey) throw new Error('LaunchDarkly backend: set LAUNCHDARKLY_SDK_KEY (or pass sdkKey / client)');
  let provider: LaunchDarklyProvider | undefined;
  const logger = watchConnection(ldOptions?.logger ?? basicLogger({ level: 'warn' }), {
    retrying: (line) => provider?.markStale(line),
    connected: () => provider?.markConnected(),
  });
  const endpoint = baseUri ? { baseUri, streamUri: baseUri, eventsUri: baseUri } : {};
  const created = init(sdkKey, { ...ldOptions, ...endpoint, logger });
  provider = new LaunchDarklyProvider(created, { ...providerOptions, ownsClient: true });
  return provider;
}

interface ConnectionWatch {
  retrying(line: string): void;
  connected(): void;
}

// Sees every line before the inner logger filters by level, so a quiet logger still reports STALE.
function watchConnection(inner: LDLogger, watch: ConnectionWatch): LDLogger {
  const observe = (args: unknown[]) => {
    const line = args.map(String).join(' ');
    if (RETRYING.test(line)) watch.retrying(line);
    else if (CONNECTED.test(line)) watch.connected();
  };
  return {
    error: (...args: unknown[]) => inner.error(...args),
    warn: (...args: unknown[]) => {
      observe(args);
      inner.warn(...args);
    },
    info: (...args: unknown[]) => {
      observe(args);
      inner.info(...args);
    },
    debug: (...args: unknown[]) => inner.debug(...args),
  };
}
