import { TypedInMemoryProvider } from '@openfeature/server-sdk';
import type { BenchFlag, Contender, SkippedContender } from '../contender.js';
import { aiflagsFlagFile, loadCore } from './aiflags-raw.js';
import { openFeatureContender } from './openfeature-client.js';

/**
 * The baseline: the SDK's own TypedInMemoryProvider. Its `contextEvaluator` runs the same 10 % rollout
 * through `@aiflags/core` `evaluate`, so it does exactly the bucketing work LocalProvider does and the
 * difference between the two rows is provider overhead alone.
 */
export async function openFeatureInMemory(flag: BenchFlag): Promise<Contender | SkippedContender> {
  const name = 'OpenFeature + TypedInMemoryProvider';
  const core = await loadCore();
  if (typeof core === 'string') return { name, kind: 'openfeature', skipped: core };
  const set = core.validateFlags(aiflagsFlagFile(flag), 'bench-flags.json');
  const key = flag.key;
  const provider = new TypedInMemoryProvider({
    [key]: {
      variants: { on: true, off: false },
      defaultVariant: 'off',
      disabled: false,
      contextEvaluator: (ctx) => (core.evaluate(set, key, ctx as { targetingKey?: string }).value === true ? 'on' : 'off'),
    },
  });
  return openFeatureContender(name, 'bench-in-memory', provider, flag);
}

/** The SDK floor: TypedInMemoryProvider serving a constant, no bucketing at all (everyone gets `false`). */
export async function openFeatureConstant(flag: BenchFlag): Promise<Contender> {
  const provider = new TypedInMemoryProvider({
    [flag.key]: { variants: { on: true, off: false }, defaultVariant: 'off', disabled: false },
  });
  const contender = await openFeatureContender('OpenFeature + TypedInMemoryProvider, constant', 'bench-constant', provider, flag);
  return { ...contender, expectedPercent: 0 };
}
