import { concreteSteps } from './quality-judge.js';
import { hashString, mulberry32 } from './model-client.js';

/**
 * Whether a simulated user clicks a thumb on an answer, and which: one answer in `rate` gets one, up when
 * it gives at least `enough` concrete steps. Seeded by the response id.
 */
export function thumbOf(responseId: string, reply: string, { rate = 0.3, enough = 3 } = {}): 'positive' | 'negative' | undefined {
  const rand = mulberry32(hashString(`thumb:${responseId}`));
  if (rand() >= rate) return undefined;
  return concreteSteps(reply) >= enough ? 'positive' : 'negative';
}
