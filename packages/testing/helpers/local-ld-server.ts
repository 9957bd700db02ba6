import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The payload LaunchDarkly's polling and streaming endpoints deliver, and its file data source reads. */
export interface LDPayload {
  flags: Record<string, unknown>;
  segments: Record<string, unknown>;
}

/**
 * A local stand-in for LaunchDarkly's SDK endpoints (no network in tests): polling `/sdk/latest-all`,
 * streaming `/all` (server-sent events) and event delivery `/bulk`, which it records.
 */
export class LocalLDServer {
  readonly events: unknown[] = [];
  /** Delay before a polling response or the stream's first event, in ms. */
  delayMs = 0;
  /** Status to answer polling and streaming with instead of data (503: an outage; 401: a bad SDK key). */
  failWith: number | undefined;
  private readonly streams = new Set<ServerResponse>();
  private server: Server | undefined;
  private port = 0;

  constructor(public payload: LDPayload) {}

  get uri(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(port = 0): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  get openStreams(): number {
    return this.streams.size;
  }

  /** Replaces the data and pushes it to open streams as a new `put`. */
  publish(payload: LDPayload): void {
    this.payload = payload;
    for (const stream of this.streams) stream.write(put(payload));
  }

  /** Cuts every open stream connection, as a network drop would. */
  dropStreams(): void {
    for (const stream of this.streams) stream.socket?.destroy();
    this.streams.clear();
  }

  async stop(): Promise<void> {
    this.dropStreams();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await read(req);
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    if (req.url?.startsWith('/bulk')) {
      this.events.push(...(JSON.parse(body) as unknown[]));
      res.writeHead(202).end();
    } else if (req.url?.startsWith('/sdk/latest-all')) {
      if (this.failWith) res.writeHead(this.failWith).end();
      else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(this.payload));
    } else if (req.url?.startsWith('/all')) {
      if (this.failWith) {
        res.writeHead(this.failWith).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.write(put(this.payload));
      this.streams.add(res);
      res.on('close', () => this.streams.delete(res));
    } else {
      res.writeHead(404).end();
    }
  }
}

function put(payload: LDPayload): string {
  return `event: put\ndata: ${JSON.stringify({ path: '/', data: payload })}\n\n`;
}

async function read(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
