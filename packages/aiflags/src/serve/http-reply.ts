import type { ServerResponse } from 'node:http';

/** Ends `res` with a JSON body and its length. */
export function sendJson(res: ServerResponse, status: number, body: object): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body));
}

/**
 * Ends `res` with an HTML page that may load nothing from anywhere (no scripts, no external styles or
 * images: the console's pages are self-contained) and may not be framed (clickjacking of the kill buttons).
 */
export function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.setHeader('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; frame-ancestors 'none'");
  res.setHeader('x-frame-options', 'DENY');
  res.setHeader('cache-control', 'no-store');
  send(res, status, 'text/html; charset=utf-8', html);
}

function send(res: ServerResponse, status: number, type: string, text: string): void {
  res.setHeader('content-type', type);
  res.setHeader('content-length', Buffer.byteLength(text));
  res.writeHead(status).end(text);
}
