import { aiflagsDirFor, aiflagsLayout } from '@aiflags/file';
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { redactUrl } from '@aiflags/core';
import type { BackendConfig, BackendName } from './config.js';
import { parseServeTokens, type ServeAuth } from './serve/serve-tokens.js';

/**
 * The one place that reads the environment. `resolveRuntimeSpec(options, env)` is pure: the same options
 * and environment give the same spec, so `createProvider`, `aiFlags` and every CLI command agree on where
 * flags come from and where live state, metrics, the audit log and instance presence live.
 */

/** The variables `resolveRuntimeSpec` reads, and nothing else. */
export type RuntimeEnv = Readonly<Record<string, string | undefined>>;

/** Where live state, metrics, the audit log and instance presence live. */
export type StoreSpec =
  | { kind: 'file' /** `.aiflags/`, absolute. */; dir: string }
  | { kind: 'redis'; url: string /** Prefix of every key, e.g. `aiflags:prod`. */; prefix: string };

export interface RuntimeSpec {
  backend: BackendName;
  /** The flag file, absolute (the flag source on the local backend; the variant catalog on the others). */
  flagsPath: string;
  /** `.aiflags/` beside the flag file (or config.stateDir), absolute. */
  stateDir: string;
  /** The live-state store; the metric store, audit log and presence live in the same place. */
  store: StoreSpec;
  /** The store for people: a file path, or the Redis URL without its password and the key prefix. */
  storeLabel: string;
  /** One key per store: two specs with the same key share one opened store in a process. */
  storeKey: string;
  /** The audit log: a file path, or the Redis stream key. */
  auditLog: string;
  /** Who changes made from this process are attributed to when none is named. */
  actor: string;
  /** The name an instance announces itself with (AIFLAGS_APP_NAME, else the process title). */
  appName: string;
  launchdarkly: { sdkKey?: string; baseUri?: string; dataFile?: string; initTimeoutMs?: number };
  unleash: { url?: string; apiToken?: string; appName?: string; refreshInterval?: number; initTimeoutMs?: number };
  flagsmith: { environmentKey?: string; apiUrl?: string; environmentFile?: string; refreshIntervalSeconds?: number; initTimeoutMs?: number };
  /** What `aiflags serve` accepts as credentials (AIFLAGS_SERVE_TOKEN, AIFLAGS_SERVE_WRITE_TOKEN); empty: no auth. */
  serve: ServeAuth;
}

/**
 * Every environment variable aiflags reads, with what it sets; the README's table is this list.
 * An option passed in code always wins over the variable.
 */
export const RUNTIME_ENV = {
  AIFLAGS_BACKEND: 'backend: local | launchdarkly | unleash | flagsmith (default local)',
  AIFLAGS_FLAGS: 'the flag file (default ./flags.yaml)',
  AIFLAGS_ENV: 'environment name in the default Redis key prefix aiflags:<env> (default default)',
  AIFLAGS_APP_NAME: 'the name an instance announces in `aiflags instances`',
  REDIS_URL: 'live state, metrics, audit log and presence in Redis instead of .aiflags/',
  LAUNCHDARKLY_SDK_KEY: 'LaunchDarkly SDK key',
  LAUNCHDARKLY_BASE_URI: 'LaunchDarkly relay or other polling endpoint',
  LAUNCHDARKLY_DATA_FILE: 'an `aiflags export --to launchdarkly` file served offline',
  UNLEASH_URL: 'Unleash client API URL',
  UNLEASH_API_TOKEN: 'Unleash backend token',
  UNLEASH_APP_NAME: 'Unleash app name',
  UNLEASH_REFRESH_INTERVAL_MS: 'Unleash polling interval in ms',
  FLAGSMITH_ENVIRONMENT_KEY: 'Flagsmith environment key (a server-side ser. key evaluates locally)',
  FLAGSMITH_API_URL: 'a self-hosted Flagsmith API or Edge Proxy',
  FLAGSMITH_ENVIRONMENT_FILE: 'an `aiflags export --to flagsmith` environment document served offline',
  AIFLAGS_SERVE_TOKEN: '`aiflags serve` credentials: one token, or name:secret entries, comma separated',
  AIFLAGS_SERVE_WRITE_TOKEN: '`aiflags serve` credentials that may also write (outcomes, console kill/revive); same format',
  USER: 'default actor of changes made from the CLI (else the OS user)',
} as const;

const BACKENDS: readonly string[] = ['local', 'launchdarkly', 'unleash', 'flagsmith'];

/** The runtime for (options, environment). Throws a one-line error for an unknown backend or a bad number. */
export function resolveRuntimeSpec(config: BackendConfig = {}, env: RuntimeEnv = process.env): RuntimeSpec {
  const backend = backendFrom(config, env);
  const flagsPath = resolve(flagsPathFrom(config, env));
  const stateDir = resolve(config.stateDir ?? aiflagsDirFor(flagsPath));
  const redisUrl = config.redisUrl ?? (env.REDIS_URL || undefined);
  const store: StoreSpec = redisUrl
    ? { kind: 'redis', url: redisUrl, prefix: config.redisPrefix ?? `aiflags:${env.AIFLAGS_ENV || 'default'}` }
    : { kind: 'file', dir: stateDir };
  const ld = config.launchdarkly ?? {};
  const un = config.unleash ?? {};
  const fs = config.flagsmith ?? {};
  // Parsed only for the backend that uses it: a stray bad value must not stop a local app.
  const refreshInterval = un.refreshInterval ?? (backend === 'unleash' ? positiveMs(env, 'UNLEASH_REFRESH_INTERVAL_MS') : undefined);
  return {
    backend,
    flagsPath,
    stateDir,
    store,
    storeLabel: store.kind === 'redis' ? `Redis ${redactUrl(store.url)} prefix ${store.prefix}` : aiflagsLayout(store.dir).state,
    storeKey: store.kind === 'redis' ? `redis:${store.url}:${store.prefix}` : `file:${store.dir}`,
    auditLog: store.kind === 'redis' ? `{${store.prefix}}:audit` : aiflagsLayout(store.dir).audit,
    actor: env.USER || osUser(),
    appName: env.AIFLAGS_APP_NAME || process.title,
    launchdarkly: defined({
      sdkKey: ld.sdkKey ?? env.LAUNCHDARKLY_SDK_KEY,
      baseUri: ld.baseUri ?? env.LAUNCHDARKLY_BASE_URI,
      dataFile: ld.dataFile ?? env.LAUNCHDARKLY_DATA_FILE,
      initTimeoutMs: ld.initTimeoutMs,
    }),
    unleash: defined({
      url: un.url ?? env.UNLEASH_URL,
      apiToken: un.apiToken ?? env.UNLEASH_API_TOKEN,
      appName: un.appName ?? env.UNLEASH_APP_NAME,
      refreshInterval,
      initTimeoutMs: un.initTimeoutMs,
    }),
    flagsmith: defined({
      environmentKey: fs.environmentKey ?? env.FLAGSMITH_ENVIRONMENT_KEY,
      apiUrl: fs.apiUrl ?? env.FLAGSMITH_API_URL,
      environmentFile: fs.environmentFile ?? env.FLAGSMITH_ENVIRONMENT_FILE,
      refreshIntervalSeconds: fs.refreshIntervalSeconds,
      initTimeoutMs: fs.initTimeoutMs,
    }),
    serve: parseServeTokens(env.AIFLAGS_SERVE_TOKEN, env.AIFLAGS_SERVE_WRITE_TOKEN),
  };
}

/** The backend named by the config or AIFLAGS_BACKEND; throws a one-line error for an unknown name. */
export function backendFrom(config: Pick<BackendConfig, 'backend'> = {}, env: RuntimeEnv = process.env): BackendName {
  const name = config.backend ?? env.AIFLAGS_BACKEND ?? 'local';
  if (!BACKENDS.includes(name)) {
    throw new Error(`AIFLAGS_BACKEND: unknown backend '${name}' (expected local, launchdarkly, unleash or flagsmith)`);
  }
  return name as BackendName;
}

/** The flag file path named by the config or AIFLAGS_FLAGS (default ./flags.yaml), as given. */
export function flagsPathFrom(config: Pick<BackendConfig, 'flags'> = {}, env: RuntimeEnv = process.env): string {
  return config.flags ?? env.AIFLAGS_FLAGS ?? './flags.yaml';
}

function positiveMs(env: RuntimeEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name}: expected a positive number of ms, got '${raw}'`);
  return value;
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

function defined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}
