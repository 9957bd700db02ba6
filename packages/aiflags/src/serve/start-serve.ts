import { LocalProvider } from '@aiflags/provider';
import type { Runtime } from '../runtime.js';
import { consoleRoute } from './console-route.js';
import { createOfrepServer } from './ofrep-server.js';
import { outcomesRoute } from './outcomes-route.js';
import { DEFAULT_SERVE_LIMITS, type ServeLimits } from './serve-limits.js';
import { globalServeMeter, type ServeMeter } from './serve-metrics.js';

export interface StartServeOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  limits?: Partial<ServeLimits>;
  log?: (line: string) => void;
  /** Hot reload of the flag file (default on). */
  watch?: boolean;
  /** The server's own metrics; default: the global OpenTelemetry meter provider's, when `@opentelemetry/api` is installed; false: none. */
  meter?: ServeMeter | false;
  /** Who console changes are attributed to when the request has no token (default: the runtime's actor, the OS user). */
  actor?: string;
  /** ms a console kill or revive waits for every instance to confirm (default 1000). */
  deliveryWaitMs?: number;
}

export interface RunningServe {
  /** The base URL an OFREP provider is given, e.g. `http://127.0.0.1:8016`. */
  url: string;
  /** The flags being served, with hot reload and the live-state overlay. */
  provider: LocalProvider;
  /** Drains in-flight requests, then stops watching the flag file. The runtime stays open. */
  close(): Promise<void>;
}

/**
 * Serves the runtime's flag file over OFREP: a LocalProvider with hot reload, evaluated with the live
 * state as it is at each request. Announces itself in the store so `aiflags kill` counts it. Throws
 * the flag file's error when it cannot be loaded.
 */
export async function startServe(runtime: Runtime, options: StartServeOptions): Promise<RunningServe> {
  const provider = new LocalProvider({
    file: runtime.flagsPath,
    state: runtime.state,
    watch: options.watch ?? true,
    presence: { store: runtime.presence, storeLabel: runtime.spec.storeLabel, app: runtime.spec.appName },
  });
  try {
    await provider.initialize();
  } catch (error) {
    await provider.onClose();
    throw error;
  }
  const flags = () => provider.flagSet;
  const tokens = runtime.spec.serve.tokens;
  const limits = { ...DEFAULT_SERVE_LIMITS, ...options.limits };
  const server = createOfrepServer({
    flags,
    live: () => runtime.state.current(),
    tokens,
    routes: [
      outcomesRoute({ flags, metrics: runtime.metrics, tokens, limits }),
      consoleRoute({
        flags,
        state: runtime.state,
        metrics: runtime.metrics,
        presence: runtime.presence,
        tokens,
        actor: options.actor ?? runtime.spec.actor,
        storeLabel: runtime.spec.storeLabel,
        ...(options.deliveryWaitMs !== undefined ? { deliveryWaitMs: options.deliveryWaitMs } : {}),
      }),
    ],
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.log ? { log: options.log } : {}),
    ...meterOption(options.meter),
  });
  let url: string;
  try {
    url = await server.listen(options.port, options.host);
  } catch (error) {
    await provider.onClose();
    throw error;
  }
  return {
    url,
    provider,
    async close() {
      await server.close();
      await provider.onClose();
    },
  };
}

function meterOption(given: ServeMeter | false | undefined): { meter?: ServeMeter } {
  if (given === false) return {};
  const meter = given ?? globalServeMeter();
  return meter ? { meter } : {};
}
