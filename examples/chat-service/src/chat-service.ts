import type { AiFlags, ShadowRun } from 'aiflags';
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
 * gets back for its thumbs (see feedback-service.ts); and shadow traffic, the candidate model answering a
 * sample of the current model's requests in the background, never shown. It uses only the public API, so it
 * runs unchanged on every backend.
 */
export function createChatService({ flags, client, product = 'Acme' }: { flags: AiFlags; client: ModelClient; product?: string }) {
  return async function chat(request: ChatRequest): Promise<ChatResponse> {
    const ctx = { targetingKey: request.userId, ...request.attributes };

    const denied = await flags.guard('ai_agent_enabled', ctx);
    if (denied) return { status: 503, body: denied };

    const m = await flags.model('chat-model', ctx, { model: 'gpt-4o', provider: 'openai' });
    const p = await flags.prompt('system-prompt', ctx, 'You are a helpful coding assistant.', { product });
    const input = { system: p.text, message: request.message };

    // Shadow traffic (the flag file's `shadow: { variant, rate }`): on a sample of the requests the current model
    // serves, the candidate answers the same input in the background; its answer is judged and kept, never shown.
    const candidate: ShadowRun = async (value) => {
      const { model, provider, ...params } = value as { model: string; provider?: string };
      const reply = await client.complete({ model, provider: provider ?? 'unknown', params, system: p.text, message: request.message, userId: request.userId });
      return { output: reply.text, costUsd: reply.costUsd };
    };
    const shadow = m.variant === 'control' ? flags.shadow('chat-model', ctx, candidate, { input }) : undefined;
    const began = performance.now();

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
      shadow?.served({ variant: m.variant, output: reply.text, latencyMs: performance.now() - began, costUsd: reply.costUsd });
      // One id for both flags: a judge's score and a later thumbs-up count for the model and for the prompt.
      const sample = { input, output: reply.text };
      const responseId = m.tracker.response(sample);
      p.tracker.response({ ...sample, id: responseId });
      return { status: 200, body: { reply: reply.text, model: m.model, promptVariant: p.variant, responseId } };
    } catch (error) {
      shadow?.served({ variant: m.variant, latencyMs: performance.now() - began, ok: false, error: String(error) });
      return { status: 502, body: { error: error instanceof Error ? error.message : String(error) } };
    }
  };
}
