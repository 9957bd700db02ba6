import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { didYouMean, type EvaluationResult, evaluate, type FlagSet, type LiveState } from '@aiflags/core';
import { authorize } from './authorize.js';
import { bulkEvaluation, etagMatches } from './bulk-evaluation.js';
import { parseEvaluationRequest } from './evaluation-request.js';
import { singleAnswer } from './ofrep-answer.js';
import { BodyTooLargeError, readBody } from './read-body.js';
import { DEFAULT_SERVE_LIMITS, type ServeLimits } from './serve-limits.js';
import { type ServeMeter, serveInstruments } from './serve-metrics.js';
import type { ServeRoute } from './serve-route.js';
import type { ServeToken } from './serve-tokens.js';

export interface OfrepServerOptions {
  /** The flag set serving now (a LocalProvider's `flagSet`: hot reloaded, the last good one kept). */
  flags: () => FlagSet | undefined;
  /** The live state now (kill switches, overrides), read on every evaluation so a change applies at once. */
  live?: () => LiveState | undefined;
  /** Credentials accepted on /ofrep/; none: no auth. /healthz and /readyz never need one. */
  tokens?: readonly ServeToken[];
  limits?: Partial<ServeLimits>;
  /** Receives one line per request: method, path, status and ms. */
  log?: (line: string) => void;
  /** Where the server's own metrics go (OpenTelemetry's HTTP server duration and active requests). */
  meter?: ServeMeter;
  /** Parts beyond OFREP on the same server (outcomes in, the console), asked in order before a 404. */
  routes?: readonly ServeRoute[];
}

export interface OfrepServer {
  readonly server: Server;
  /** Starts listening; resolves to the base URL, e.g. `http://127.0.0.1:8016`. */
  listen(port: number, host: string): Promise<string>;
  /** Stops taking requests, lets in-flight ones finish (up to drainTimeoutMs), then closes every connection. */
  close(): Promise<void>;
}

const SINGLE = '/ofrep/v1/evaluate/flags/';
const BULK = '/ofrep/v1/evaluate/flags';
const JSON_TYPE = 'application/json; charset=utf-8';
/** Longer keys are no typo of a real one: no edit-distance search for them. */
const MAX_HINTED_KEY = 256;

/** An OFREP v0.3 server over node:http evaluating with @aiflags/core in process. */
export function createOfrepServer(options: OfrepServerOptions): OfrepServer {
  const limits: ServeLimits = { ...DEFAULT_SERVE_LIMITS, ...options.limits };
  const tokens = options.tokens ?? [];
  const routes = options.routes ?? [];
  let inFlight = 0;
  let draining = false;
  let drained: (() => void) | undefined;

  // node:http checks the two request timeouts only this often (30 s by default).
  const connectionsCheckingInterval = Math.max(100, Math.min(1000, limits.headersTimeoutMs / 4));
  const instruments = options.meter ? serveInstruments(options.meter) : undefined;
  const server = createServer({ connectionsCheckingInterval }, (req, res) => {
    const started = performance.now();
    const method = req.method ?? 'GET';
    const route = routeOf(req.url, routes);
    inFlight++;
    instruments?.started(method, route);
    res.once('close', () => {
      inFlight--;
      const ms = performance.now() - started;
      instruments?.done({ method, route, status: res.statusCode, ms });
      options.log?.(`${method} ${printablePath(req.url)} ${res.statusCode} ${ms.toFixed(1)}ms`);
      if (draining && inFlight === 0) drained?.();
    });
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { errorDetails: `internal error: ${(error as Error).message}` });
      else res.destroy();
    });
  });
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;

  function send(res: ServerResponse, status: number, body: object | string | undefined): void {
    // Answered while draining: the connection closes, so a keep-alive client reconnects to another instance.
    if (draining) res.setHeader('connection', 'close');
    const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
    if (body !== undefined) {
      res.setHeader('content-type', JSON_TYPE);
      res.setHeader('content-length', Buffer.byteLength(text));
    }
    res.writeHead(status).end(text);
  }

  function tooMany(req: IncomingMessage, res: ServerResponse): void {
    res.setHeader('retry-after', String(limits.retryAfterS));
    res.setHeader('connection', 'close');
    req.resume();
    send(res, 429, { errorDetails: `more than ${limits.maxInFlight} requests at once; retry after ${limits.retryAfterS} s` });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
    if (path === '/healthz') return send(res, 200, { status: 'ok' });
    if (path === '/readyz') {
      const ready = !draining && options.flags() !== undefined;
      return send(res, ready ? 200 : 503, { status: ready ? 'ready' : draining ? 'draining' : 'no flags loaded' });
    }
    const single = path.startsWith(SINGLE);
    if (!single && path !== BULK) {
      const extra = routes.find((r) => r.match(path) !== undefined);
      if (extra === undefined) return send(res, 404, { errorDetails: `no such endpoint: ${path.slice(0, 200)}` });
      if (inFlight > limits.maxInFlight) return tooMany(req, res);
      if (draining) res.setHeader('connection', 'close');
      return extra.handle(req, res, path);
    }
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return send(res, 405, { errorDetails: `${path.slice(0, 200)} takes POST` });
    }
    const auth = authorize(req.headers, tokens);
    if (!auth.ok) {
      res.setHeader('www-authenticate', 'Bearer');
      req.resume();
      return send(res, auth.status, { errorDetails: auth.details });
    }
    if (inFlight > limits.maxInFlight) return tooMany(req, res);
    const key = single ? decodeKey(path.slice(SINGLE.length)) : undefined;
    if (single && key === undefined) {
      req.resume();
      return send(res, 400, {
        key: path.slice(SINGLE.length, SINGLE.length + 200),
        errorCode: 'PARSE_ERROR',
        errorDetails: 'flag key: invalid percent-encoding',
      });
    }
    let body: Buffer;
    try {
      body = await readBody(req, limits.maxBodyBytes);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      res.setHeader('connection', 'close');
      return send(res, 413, { ...(key !== undefined ? { key } : {}), errorCode: 'GENERAL', errorDetails: error.message });
    }
    const request = parseEvaluationRequest(body);
    const set = options.flags();
    if ('errorCode' in request) return send(res, 400, key !== undefined ? { key, ...request } : request);
    if (set === undefined) return send(res, 500, { ...(key !== undefined ? { key } : {}), errorCode: 'GENERAL', errorDetails: 'no flags loaded' });
    const live = options.live?.();
    if (key !== undefined) {
      const answer = singleAnswer(key, withKeyHint(set, key, evaluate(set, key, request.context, live)));
      return send(res, answer.status, answer.body);
    }
    const bulk = bulkEvaluation(set, request.context, live);
    res.setHeader('etag', bulk.etag);
    const ifNoneMatch = req.headers['if-none-match'];
    if (etagMatches(ifNoneMatch, bulk.etag)) return send(res, 304, undefined);
    send(res, 200, bulk.body);
  }

  return {
    server,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const { address, port: bound } = server.address() as AddressInfo;
          resolve(`http://${address.includes(':') ? `[${address}]` : address}:${bound}`);
        });
      });
    },
    async close() {
      draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight > 0) {
        const idle = new Promise<void>((resolve) => {
          drained = resolve;
        });
        let timer: NodeJS.Timeout | undefined;
        const deadline = new Promise<void>((resolve) => {
          timer = setTimeout(resolve, limits.drainTimeoutMs);
        });
        await Promise.race([idle, deadline]);
        clearTimeout(timer);
      }
      server.closeAllConnections();
      await closed;
    },
  };
}

/** A typo'd key is the common 404: name the closest flag or kill switch, as the LocalProvider does. */
function withKeyHint(set: FlagSet, key: string, result: EvaluationResult): EvaluationResult {
  if (result.errorCode !== 'FLAG_NOT_FOUND' || key.length > MAX_HINTED_KEY) return result;
  const hint = didYouMean(key, [...set.killSwitches.keys(), ...set.flags.keys()]);
  return hint === '' ? result : { ...result, errorMessage: `${result.errorMessage ?? result.errorCode}${hint}` };
}

function routeOf(url: string | undefined, routes: readonly ServeRoute[]): string {
  const path = (url ?? '/').split('?', 1)[0] ?? '/';
  if (path.startsWith(SINGLE)) return `${SINGLE}{key}`;
  if (path === BULK || path === '/healthz' || path === '/readyz') return path;
  for (const r of routes) {
    const template = r.match(path);
    if (template !== undefined) return template;
  }
  return 'unmatched';
}

/** The flag key from the path: percent-decoded (clients may or may not encode it), undefined when malformed. */
function decodeKey(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

function printablePath(url: string | undefined): string {
  return JSON.stringify((url ?? '').slice(0, 200)).slice(1, -1);
}
