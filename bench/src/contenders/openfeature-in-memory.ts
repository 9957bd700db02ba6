import { evaluate, validateFlags } from '@aiflags/core';
import { TypedInMemoryProvider } from '@openfeature/server-sdk';
import { GOAL_ROWS, type BenchFlag, type Contender } from '../contender.js';
import { aiflagsFlagFile } from './aiflags-raw.js';
import { openFeatureContender } from './openfeature-client.js';

/**
 * The baseline: the SDK's own TypedInMemoryProvider. Its `contextEvaluator` runs the same 10 % rollout
 * through `@aiflags/core` `evaluate`, so it does exactly the bucketing work LocalProvider does and the
 * difference between the two rows is provider overhead alone.
 */
export async function openFeatureInMemory(flag: BenchFlag): Promise<Contender> {
  const set = validateFlags(aiflagsFlagFile(flag), 'bench-flags.json');
  const key = flag.key;
  const provider = new TypedInMemoryProvider({
    [key]: {
      variants: { on: true, off: false },
      defaultVariant: 'off',
      disabled: false,
      contextEvaluator: (ctx) => (evaluate(set, key, ctx).value === true ? 'on' : 'off'),
    },
  });
  return openFeatureContender(GOAL_ROWS.inMemory, 'bench-in-memory', provider, flag);
}

/** The SDK floor: TypedInMemoryProvider serving a constant, no bucketing at all (everyone gets `false`). */
export async function openFeatureConstant(flag: BenchFlag): Promise<Contender> {
  const provider = new TypedInMemoryProvider({
    [flag.key]: { variants: { on: true, off: false }, defaultVariant: 'off', disabled: false },
  });
  const contender = await openFeatureContender('OpenFeature + TypedInMemoryProvider, constant', 'bench-constant', provider, flag);
  return { ...contender, expectedPercent: 0 };
}
