import type { BenchFlag, Contender, SkippedContender } from '../contender.js';

/** The flag as teams already write it: the boolean shorthand, 10 % of users get `true`. */
export function aiflagsFlagFile(flag: BenchFlag): { flags: Record<string, unknown> } {
  return { flags: { [flag.key]: { enabled: true, percentage: flag.percentage } } };
}

interface CoreApi {
  validateFlags(value: unknown, source: string): unknown;
  evaluate(set: unknown, key: string, ctx: { targetingKey?: string }): { value: unknown };
}

/** Loads `@aiflags/core` lazily so the bench still runs (with a note) before the evaluator lands. */
export async function loadCore(): Promise<CoreApi | string> {
  const core = (await import('@aiflags/core')) as Partial<CoreApi>;
  if (typeof core.evaluate !== 'function' || typeof core.validateFlags !== 'function') {
    return '@aiflags/core does not export evaluate/validateFlags yet';
  }
  return core as CoreApi;
}

/** `evaluate(set, key, ctx)` from `@aiflags/core`, the pure synchronous evaluator. */
export async function aiflagsRaw(flag: BenchFlag): Promise<Contender | SkippedContender> {
  const name = 'aiflags evaluate()';
  const core = await loadCore();
  if (typeof core === 'string') return { name, kind: 'raw', skipped: core };
  const set = core.validateFlags(aiflagsFlagFile(flag), 'bench-flags.json');
  const contexts = flag.userKeys.map((targetingKey) => ({ targetingKey }));
  const key = flag.key;
  return {
    name,
    kind: 'raw',
    runBatch() {
      let hits = 0;
      for (let i = 0; i < contexts.length; i++) {
        if (core.evaluate(set, key, contexts[i]!).value === true) hits++;
      }
      return hits;
    },
  };
}
