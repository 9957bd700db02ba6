export interface HolmResult {
  /** Holm-adjusted p-values in the input order (as R's p.adjust(p, "holm")). */
  adjusted: number[];
  /** Which hypotheses are rejected at alpha, family-wise, in the input order. */
  rejected: boolean[];
}

/**
 * Holm–Bonferroni step-down correction, for several treatments each compared with one control: the
 * family-wise error rate stays ≤ alpha (fraction, default 0.05) with more power than plain Bonferroni.
 */
export function holmCorrection(pValues: number[], options: { alpha?: number } = {}): HolmResult {
  const alpha = options.alpha ?? 0.05;
  const m = pValues.length;
  const order = pValues.map((p, i) => ({ p: Number.isNaN(p) ? 1 : p, i })).sort((a, b) => a.p - b.p);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    adjusted[i] = running;
  });
  return { adjusted, rejected: adjusted.map((p) => p <= alpha) };
}
