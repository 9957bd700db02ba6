/** Number formatting for reasons a person reads in a terminal. */

/** Up to 3 significant digits, no trailing zeros, a real minus sign. */
export function fmt(x: number): string {
  // An order-statistic interval with too few samples is unbounded on one side.
  if (x === Infinity) return '∞';
  if (x === -Infinity) return '−∞';
  if (!Number.isFinite(x)) return String(x);
  const abs = Math.abs(x);
  const s = abs !== 0 && (abs < 0.001 || abs >= 1e6) ? x.toExponential(2) : String(Number(x.toPrecision(3)));
  return s.charCodeAt(0) === 45 ? `−${s.slice(1)}` : s;
}

/** Like fmt, with an explicit sign. */
export function signed(x: number): string {
  return x > 0 ? `+${fmt(x)}` : fmt(x);
}

/** A fraction as a percentage: 0.123 → "12.3 %". */
export function pct(fraction: number): string {
  return `${fmt(fraction * 100)} %`;
}

/** A fraction as a signed percentage: 0.123 → "+12.3 %". */
export function signedPct(fraction: number): string {
  return `${signed(fraction * 100)} %`;
}

/** "p < 0.001" or "p = 0.042". */
export function fmtP(p: number): string {
  if (!Number.isFinite(p)) return 'p = n/a';
  return p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`;
}

/** "95 % CI −0.45 to −0.17", the unit once at the end. */
export function fmtCi(ci: [number, number], alpha: number, scale = 1, unit = ''): string {
  return `${fmt((1 - alpha) * 100)} % CI ${fmt(ci[0] * scale)} to ${fmt(ci[1] * scale)}${unit}`;
}
