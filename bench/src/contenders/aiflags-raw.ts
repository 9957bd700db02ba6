import { evaluate, validateFlags } from '@aiflags/core';
import { GOAL_ROWS, type BenchFlag, type Contender } from '../contender.js';

/** The flag as teams already write it: the boolean shorthand, `percentage` % of users get `true`. */
export function aiflagsFlagFile(flag: BenchFlag): { flags: Record<string, unknown> } {
  return { flags: { [flag.key]: { enabled: true, percentage: flag.percentage } } };
}

/** `evaluate(set, key, ctx)` from `@aiflags/core`, the pure synchronous evaluator. */
export async function aiflagsRaw(flag: BenchFlag): Promise<Contender> {
  const set = validateFlags(aiflagsFlagFile(flag), 'bench-flags.json');
  const contexts = flag.userKeys.map((targetingKey) => ({ targetingKey }));
  const key = flag.key;
  return {
    name: GOAL_ROWS.aiflagsRaw,
    kind: 'raw',
    runBatch() {
      let hits = 0;
      for (let i = 0; i < contexts.length; i++) {
        if (evaluate(set, key, contexts[i]).value === true) hits++;
      }
      return hits;
    },
  };
}
