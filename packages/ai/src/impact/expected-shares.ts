import type { CompiledFlag, FlagOverride } from '@aiflags/core';

/**
 * The share of units (percent) each variant should get from a flag's top-level split or rollout, with a
 * live percentage override, dropped arms and a promoted variant applied; what the SRM check compares against. Undefined when the flag has
 * neither (every unit gets one variant, so there is no split to check). Targeting rules are ignored:
 * a flag whose rules route whole segments needs shares passed in by hand.
 */
export function expectedShares(flag: CompiledFlag, live?: FlagOverride): Record<string, number> | undefined {
  const d = flag.definition;
  // Promoted: every unit gets one variant, nothing to check.
  if (live?.variant !== undefined && live.variant in d.variants) return undefined;
  if (d.split) {
    // Dropped arms' units were re-split over the rest in proportion to their weights.
    const dropped = new Set(Array.isArray(live?.droppedVariants) ? live.droppedVariants : []);
    const kept = Object.entries(d.split).filter(([v]) => !dropped.has(v));
    const total = kept.reduce((sum, [, w]) => sum + w, 0);
    // A flagd-mode split's weights are relative, so they are scaled to percents too.
    if (kept.length === 0 || total <= 0 || (dropped.size === 0 && Math.abs(total - 100) < 1e-6)) return { ...d.split };
    return Object.fromEntries(kept.map(([v, w]) => [v, (w * 100) / total]));
  }
  if (d.rollout) {
    const p = live?.percentage ?? d.rollout.percentage;
    if (d.rollout.variant === d.defaultVariant) return undefined;
    return { [d.defaultVariant]: 100 - p, [d.rollout.variant]: p };
  }
  return undefined;
}
