import type { IncomingMessage, ServerResponse } from 'node:http';

/** A part of `aiflags serve` beyond OFREP (outcomes in, the console): the paths it owns and how it answers them. */
export interface ServeRoute {
  /** The route template (for metrics, never the raw path) when this part answers `path`, else undefined. */
  match(path: string): string | undefined;
  /** Answers one request; may reject, the server then answers 500. Limits on concurrency are applied before. */
  handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void>;
}
