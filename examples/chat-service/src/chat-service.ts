import type { AiFlags } from 'aiflags';
import type { ModelClient } from './model-client.js';

export interface ChatRequest {
  userId: string;
  message: string;
  /** Any other attributes targeting rules may use (plan, country, app version…). */
  attributes?: Record<string, string | number | boolean>;
}

export type ChatResponse =
  | { status: 200; body: { reply: string; model: string; promptVariant: string; responseId: string } }
  | { status: 503; body: { error: string; retryAfter: number } }
  | { status: 502; body: { error: string } };

/**
 * The whole integration of aiflags in a chat endpoint: a kill switch, a model flag, a prompt flag, the
 * outcome recorded per variant, and the answer handed to the judges under one response id, which the client
 * gets back for its thumbs (see feedback-service.ts). It uses only the public API, so it runs unchanged on
 * every backend.
 */
export function createChatService({ flags, client, product = 'Acme' }: { flags: AiFlags; client: ModelClient; product?: string }) {
  return async function chat(request: ChatRequest): Promise<ChatResponse> {
    const ctx = { targetingKey: request.userId, ...request.attributes };

    const denied = await flags.guard('ai_agent_enabled', ctx);
    if (denied) return { status: 503, body: denied };

    const m = await flags.model('chat-model', ctx, { model: 'gpt-4o', provider: 'openai' });
    const p = await flags.prompt('system-prompt', ctx, 'You are a helpful coding assistant.', { product });

    try {
      // Both experiments see the same call: time it once for each so each flag's report has latency and errors.
      const reply = await m.tracker.trackDurationOf(() =>
        p.tracker.trackDurationOf(() =>
          client.complete({
            model: m.model,
            provider: m.provider ?? 'unknown',
            params: m.params,
            system: p.text,
            message: request.message,
            userId: request.userId,
          }),
        ),
      );
      const outcome = { costUsd: reply.costUsd, inputTokens: reply.inputTokens, outputTokens: reply.outputTokens };
      m.tracker.record(outcome);
      p.tracker.record(outcome);
      // One id for both flags: a judge's score and a later thumbs-up count for the model and for the prompt.
      const sample = { input: { system: p.text, message: request.message }, output: reply.text };
      const responseId = m.tracker.response(sample);
      p.tracker.response({ ...sample, id: responseId });
      return { status: 200, body: { reply: reply.text, model: m.model, promptVariant: p.variant, responseId } };
    } catch (error) {
      return { status: 502, body: { error: error instanceof Error ? error.message : String(error) } };
    }
  };
}
