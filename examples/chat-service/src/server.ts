import { createServer, type Server } from 'node:http';
import type { ChatRequest, ChatResponse } from './chat-service.js';

/** Serves `POST /chat` with a JSON body `{ userId, message, attributes? }`. */
export function createChatServer(chat: (request: ChatRequest) => Promise<ChatResponse>): Server {
  return createServer(async (req, res) => {
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'POST' || req.url !== '/chat') return reply(404, { error: 'POST /chat' });
    let raw = '';
    for await (const chunk of req) {
      raw += chunk;
      if (raw.length > 64 * 1024) return reply(413, { error: 'request body over 64 KiB' });
    }
    let body: ChatRequest;
    try {
      body = JSON.parse(raw) as ChatRequest;
    } catch {
      return reply(400, { error: 'body is not JSON' });
    }
    if (typeof body?.userId !== 'string' || typeof body.message !== 'string') {
      return reply(400, { error: 'body needs userId and message strings' });
    }
    const result = await chat(body);
    const headers: Record<string, string> = result.status === 503 ? { 'retry-after': String(result.body.retryAfter) } : {};
    reply(result.status, result.body, headers);
  });
}
