import type { Judge } from 'aiflags';
import { hashString, mulberry32, normal } from './model-client.js';

/**
 * The demo's judge: a seeded heuristic standing in for an LLM-as-judge call. It scores an answer 1-5: one
 * point for answering at all, one per sentence that gives a concrete step (names code), at most five, plus
 * the judge's own noise, seeded by the response id so a replayed response gets the same score.
 *
 * ─── Plugging in a real judge ─────────────────────────────────────────────────────────────────────────
 * Replace the body with a judge model call and return its cost beside the score (kept apart from the
 * requests' cost; `judging.hourlyBudgetUsd` pauses sampling once spent):
 *
 *   const r = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user',
 *     content: `Rate 1-5 how well this answers the question.\n${JSON.stringify(input)}\n${output}` }] }, { signal });
 *   return { score: Number(r.choices[0].message.content), costUsd: priceOf('gpt-4o-mini', r.usage!) };
 * ─────────────────────────────────────────────────────────────────────────────────────────────────────
 */
export function createQualityJudge({ seed = 11, noiseSd = 0.3 }: { seed?: number; noiseSd?: number } = {}): Judge {
  return ({ responseId, output }) => {
    const rand = mulberry32(hashString(`${seed}:${responseId}`));
    const score = 1 + Math.min(4, concreteSteps(String(output))) + noiseSd * normal(rand);
    return Math.round(Math.min(5, Math.max(1, score)) * 10) / 10;
  };
}

/** Sentences of `text` that name code (a `backtick` span). */
export function concreteSteps(text: string): number {
  return text.split(/(?<=\.)\s+/).filter((sentence) => /`[^`]+`/.test(sentence)).length;
}
