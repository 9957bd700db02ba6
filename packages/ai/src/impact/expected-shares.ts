import type { CompiledFlag, FlagOverride } from '@aiflags/core';

/**
 * The share of units (percent) each variant should get from a flag's top-level split or rollout, with a
 * live percentage override applied; what the SRM check compares against. Undefined when the flag has
 * neither (every unit gets one variant, so there is no split to check). Targeting rules are ignored:
 * a flag whose rules route whole segments needs shares passed in by hand.
 */
export function expectedShares(flag: CompiledFlag, live?: FlagOverride): Record<string, number> | undefined {
  const d = flag.definition;
  if (d.split) return { ...d.split };
  if (d.rollout) {
    const p = live?.percentage ?? d.rollout.percentage;
    if (d.rollout.variant === d.defaultVariant) return undefined;
    return { [d.defaultVariant]: 100 - p, [d.rollout.variant]: p };
  }
  return undefined;
}
