import type { TrackSink } from '@aiflags/provider';
import type { FileWatcherOptions } from '@aiflags/file';
import { backendFrom, flagsPathFrom } from './runtime-spec.js';

export type BackendName = 'local' | 'launchdarkly' | 'unleash' | 'flagsmith';

/** Options of the LaunchDarkly backend; unset fields come from the environment (LAUNCHDARKLY_SDK_KEY). */
export interface LaunchDarklyBackendOptions {
  sdkKey?: string;
  /** Relay Proxy or other endpoint serving LaunchDarkly's polling API. Default: LAUNCHDARKLY_BASE_URI. */
  baseUri?: string;
  /** An `aiflags export --to launchdarkly` file served locally instead of a connection. Default: LAUNCHDARKLY_DATA_FILE. */
  dataFile?: string;
  /** How long initialization waits for flag data, in ms. */
  initTimeoutMs?: number;
  [option: string]: unknown;
}

/** Options of the Unleash backend; unset fields come from the environment (UNLEASH_URL, UNLEASH_API_TOKEN). */
export interface UnleashBackendOptions {
  url?: string;
  apiToken?: string;
  appName?: string;
  /** How often flags are polled, in ms. Default: UNLEASH_REFRESH_INTERVAL_MS, else unleash-client's 15 000. */
  refreshInterval?: number;
  /** How long initialization waits for the first sync, in ms (default 10 000). */
  initTimeoutMs?: number;
  [option: string]: unknown;
}

/** Options of the Flagsmith backend; unset fields come from the environment (FLAGSMITH_ENVIRONMENT_KEY). */
export interface FlagsmithBackendOptions {
  /** A server-side `ser.` key evaluates locally (environment document polled); any other key remotely. */
  environmentKey?: string;
  /** A self-hosted Flagsmith API or an Edge Proxy. Default: FLAGSMITH_API_URL, else Flagsmith's edge API. */
  apiUrl?: string;
  /** An `aiflags export --to flagsmith` environment document, evaluated offline. Default: FLAGSMITH_ENVIRONMENT_FILE. */
  environmentFile?: string;
  /** How often the environment document is polled, in seconds (default 60). */
  refreshIntervalSeconds?: number;
  /** How long initialization waits for the environment document, in ms (default 10 000). */
  initTimeoutMs?: number;
  [option: string]: unknown;
}

/** What `createProvider()` reads; every field is optional and falls back to the environment. */
export interface BackendConfig {
  /** Default: AIFLAGS_BACKEND, else 'local'. */
  backend?: BackendName;
  /** The flag file. Default: AIFLAGS_FLAGS, else ./flags.yaml. */
  flags?: string;
  /** Where live state, metrics and the audit log live on the local backend. Default: `.aiflags/` beside the flag file. */
  stateDir?: string;
  /** Live state and metrics in Redis. Default: REDIS_URL. */
  redisUrl?: string;
  /** Prefix of every Redis key. Default `aiflags:<AIFLAGS_ENV or default>`, one namespace per environment. */
  redisPrefix?: string;
  /**
   * Announce this process in the live-state store so `aiflags kill` can confirm delivery and `aiflags
   * instances` lists it. false turns it off; `heartbeatMs` (default 5000) sets how often it is refreshed.
   */
  presence?: false | { heartbeatMs?: number; app?: string };
  /**
   * On LaunchDarkly, Unleash and Flagsmith: aiflags' live state (kill switches, flags switched off) over the vendor's
   * answers, so `aiflags kill` works there too. false returns the vendor's provider alone. Default on.
   */
  overlay?: boolean;
  /** Hot reload of the flag file (local backend): false turns it off. */
  watch?: boolean | FileWatcherOptions;
  /** Receives OpenFeature `track()` events on the local backend. */
  trackSink?: TrackSink;
  launchdarkly?: LaunchDarklyBackendOptions;
  unleash?: UnleashBackendOptions;
  flagsmith?: FlagsmithBackendOptions;
}

/** The backend named by the config or AIFLAGS_BACKEND; throws a one-line error for an unknown name. */
export function backendOf(config: BackendConfig = {}): BackendName {
  return backendFrom(config);
}

/** The flag file path named by the config or AIFLAGS_FLAGS (default ./flags.yaml). */
export function flagsPathOf(config: Pick<BackendConfig, 'flags'> = {}): string {
  return flagsPathFrom(config);
}
