import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Answers remote evaluation: the flags (in the API's shape) for an identity, or for the environment. */
export type RemoteFlags = (identifier: string | undefined, traits: Record<string, unknown>) => Promise<unknown[]>;

/**
 * A stand-in for the Flagsmith API (or an Edge Proxy) that serves one environment document at
 * `/api/v1/environment-document/` to a server-side key, and can be stopped and started on the same port.
 * With `remote`, it also answers `flags/` and `identities/` as the remote-evaluation API does.
 */
export class LocalFlagsmithServer {
  private server: Server | undefined;
  private port = 0;
  /** How many environment documents were served. */
  served = 0;

  constructor(
    public document: unknown,
    private readonly key: string,
    private readonly remote?: RemoteFlags,
  ) {}

  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api/v1/`;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      if (req.headers['x-environment-key'] !== this.key) {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"detail":"Invalid key"}');
        return;
      }
      if (req.method === 'GET' && req.url === '/api/v1/environment-document/') {
        this.served++;
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(this.document));
        return;
      }
      if (this.remote && req.url === '/api/v1/flags/') {
        void this.remote(undefined, {}).then((flags) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(flags)));
        return;
      }
      if (this.remote && req.method === 'POST' && req.url === '/api/v1/identities/') {
        let body = '';
        req.on('data', (chunk) => {
          body += chunk;
        });
        req.on('end', () => {
          const { identifier, traits } = JSON.parse(body) as { identifier: string; traits: { trait_key: string; trait_value: unknown }[] };
          const byKey = Object.fromEntries(traits.map((t) => [t.trait_key, t.trait_value]));
          void this.remote?.(identifier, byKey).then((flags) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ flags })));
        });
        return;
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
