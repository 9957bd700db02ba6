import type { AiFlags } from 'aiflags';

export interface FeedbackRequest {
  responseId: string;
  kind: 'positive' | 'negative';
}

export type FeedbackResponse = { status: 202; body: { attributed: number } } | { status: 400; body: { error: string } };

/**
 * The thumbs endpoint: feedback arrives after the answer, in another request (or process), and is attributed
 * by response id to the flags and variants that produced it. An unknown or expired id is counted, not an error.
 */
export function createFeedbackService({ flags }: { flags: AiFlags }) {
  return async function feedback(request: FeedbackRequest): Promise<FeedbackResponse> {
    if (request.kind !== 'positive' && request.kind !== 'negative') {
      return { status: 400, body: { error: `kind: expected 'positive' or 'negative', got ${JSON.stringify(request.kind)}` } };
    }
    const { attributed } = await flags.feedback(request.responseId, request.kind);
    return { status: 202, body: { attributed: attributed.length } };
  };
}
