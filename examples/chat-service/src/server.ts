import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { ChatRequest, ChatResponse } from './chat-service.js';
import type { FeedbackRequest, FeedbackResponse } from './feedback-service.js';

/**
 * Serves `POST /chat` with a JSON body `{ userId, message, attributes? }`, and `POST /feedback` with
 * `{ responseId, kind }` (`kind` is 'positive' or 'negative') once the user has read the answer.
 */
export function createChatServer(
  chat: (request: ChatRequest) => Promise<ChatResponse>,
  feedback?: (request: FeedbackRequest) => Promise<FeedbackResponse>,
): Server {
  return createServer(async (req, res) => {
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    const route = req.method === 'POST' ? req.url : undefined;
    if (route !== '/chat' && !(route === '/feedback' && feedback)) return reply(404, { error: feedback ? 'POST /chat or /feedback' : 'POST /chat' });
    const body = await readJson(req);
    if (typeof body === 'string') return reply(body.startsWith('request body') ? 413 : 400, { error: body });
    if (route === '/feedback') {
      if (typeof body?.responseId !== 'string') return reply(400, { error: 'body needs a responseId string and a kind' });
      const result = await feedback!(body as unknown as FeedbackRequest);
      return reply(result.status, result.body);
    }
    if (typeof body?.userId !== 'string' || typeof body.message !== 'string') {
      return reply(400, { error: 'body needs userId and message strings' });
    }
    const result = await chat(body as unknown as ChatRequest);
    const headers: Record<string, string> = result.status === 503 ? { 'retry-after': String(result.body.retryAfter) } : {};
    reply(result.status, result.body, headers);
  });
}

/** The request body as JSON, or what is wrong with it. */
async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | string> {
  let raw = '';
  for await (const chunk of req) {
    raw += chunk;
    if (raw.length > 64 * 1024) return 'request body over 64 KiB';
  }
  try {
    return JSON.parse(raw) as Record<string, unknown>;
  } catch {
    return 'body is not JSON';
  }
}
