import { createRequire } from 'node:module';

/**
 * The part of an OpenTelemetry `Meter` serve calls; a real `Meter` from `@opentelemetry/api` fits, typed
 * here so the API (an optional peer) is not needed to compile against aiflags.
 */
export interface ServeMeter {
  createHistogram(
    name: string,
    options?: { unit?: string; description?: string },
  ): { record(value: number, attributes?: Record<string, string | number>): void };
  createUpDownCounter(
    name: string,
    options?: { unit?: string; description?: string },
  ): { add(value: number, attributes?: Record<string, string | number>): void };
}

/** One answered request, as the metrics and the request log see it. */
export interface ServedRequest {
  method: string;
  /** The route template (`/ofrep/v1/evaluate/flags/{key}`), never the raw path: keys stay out of metric attributes. */
  route: string;
  status: number;
  ms: number;
}

export interface ServeInstruments {
  started(method: string, route: string): void;
  done(request: ServedRequest): void;
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'CONNECT', 'TRACE']);

/**
 * The server's own metrics under OpenTelemetry's HTTP semantic conventions: `http.server.request.duration`
 * (s) and `http.server.active_requests`, by method, route and status code.
 */
export function serveInstruments(meter: ServeMeter): ServeInstruments {
  const duration = meter.createHistogram('http.server.request.duration', { unit: 's', description: 'Duration of HTTP server requests' });
  const active = meter.createUpDownCounter('http.server.active_requests', { unit: '{request}', description: 'Requests being handled' });
  return {
    started(method, route) {
      active.add(1, { 'http.request.method': knownMethod(method), 'http.route': route });
    },
    done({ method, route, status, ms }) {
      const m = knownMethod(method);
      active.add(-1, { 'http.request.method': m, 'http.route': route });
      duration.record(ms / 1000, { 'http.request.method': m, 'http.route': route, 'http.response.status_code': status });
    },
  };
}

/** The global meter provider's meter for serve, or undefined when `@opentelemetry/api` is not installed. */
export function globalServeMeter(): ServeMeter | undefined {
  try {
    const api = createRequire(import.meta.url)('@opentelemetry/api') as typeof import('@opentelemetry/api');
    return api.metrics.getMeter('aiflags-serve') as unknown as ServeMeter;
  } catch {
    return undefined;
  }
}

function knownMethod(method: string): string {
  return METHODS.has(method) ? method : '_OTHER';
}
