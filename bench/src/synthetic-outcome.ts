import type { Outcome } from '@aiflags/metrics';

/** The i-th of a deterministic stream of realistic outcomes: 2 flags, 3 variants, 50 000 users, ~1 % errors. */
export function syntheticOutcome(i: number): Outcome {
  return {
    flagKey: i % 4 === 0 ? 'system-prompt' : 'chat-model',
    variant: ['control', 'treatment-a', 'treatment-b'][i % 3]!,
    unitId: `user-${(i * 7919) % 50_000}`,
    latencyMs: 200 + ((i * 37) % 1800),
    quality: (i % 5) + 1,
    costUsd: 0.0005 + (i % 13) * 0.0001,
    inputTokens: 500 + (i % 400),
    outputTokens: 100 + (i % 300),
    error: i % 97 === 0,
  };
}
