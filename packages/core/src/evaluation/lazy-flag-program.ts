/**
 * A flag's program, compiled on the flag's first evaluation: parsing 100k flags then builds one small
 * object per flag instead of its results, bucketer and closures, and a flag never evaluated costs nothing
 * more. What it serves is what compileFlagProgram serves (the checks that can fail ran at parse time).
 */
import type { FlagDefinition } from '../flags/flag-set.js';
import type { LiveState } from '../live-state/index.js';
import type { ContextPredicate } from '../rules/condition.js';
import { compileFlagProgram, type FlagProgram } from './flag-program.js';
import type { EvaluationContext, EvaluationResult, FlagMetadata } from './result.js';

export class LazyFlagProgram implements FlagProgram {
  private compiled: FlagProgram | undefined;

  constructor(
    private readonly key: string,
    private readonly def: FlagDefinition,
    private readonly rulePredicates: readonly ContextPredicate[],
    private readonly flagMetadata: Readonly<FlagMetadata>,
  ) {}

  evaluate(ctx: EvaluationContext, live: LiveState | undefined): EvaluationResult {
    this.compiled ??= compileFlagProgram(this.key, this.def, this.rulePredicates, this.flagMetadata);
    return this.compiled.evaluate(ctx, live);
  }
}
