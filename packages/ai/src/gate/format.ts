/** Number formatting for reasons a person reads in a terminal. */

import { HOUR_MS } from '@aiflags/metrics';

/** Magnitudes below this print as 0 (see fmt). */
const ROUNDING_ZERO = 1e-12;

/** Up to 3 significant digits, no trailing zeros, a real minus sign. */
export function fmt(x: number): string {
  // An order-statistic interval with too few samples is unbounded on one side.
  if (x === Infinity) return '∞';
  if (x === -Infinity) return '−∞';
  if (!Number.isFinite(x)) return String(x);
  const abs = Math.abs(x);
  // Below 1e-12 (ms, USD or score points) a value is the rounding of a sum that is 0: 80 × 0.5 − 20 × 2.
  if (abs < ROUNDING_ZERO) return '0';
  const s = abs !== 0 && (abs < 0.001 || abs >= 1e6) ? x.toExponential(2) : String(Number(x.toPrecision(3)));
  return s.charCodeAt(0) === 45 ? `−${s.slice(1)}` : s;
}

/** Like fmt, with an explicit sign. */
export function signed(x: number): string {
  return x >= ROUNDING_ZERO ? `+${fmt(x)}` : fmt(x);
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

/** "95 % CI −0.45 to −0.17", the unit once at the end; an end that is zero up to float rounding prints 0. */
export function fmtCi(ci: [number, number], alpha: number, scale = 1, unit = ''): string {
  const [lo, hi] = [ci[0] * scale, ci[1] * scale];
  const width = Math.abs(hi - lo);
  const tidy = (x: number) => (Number.isFinite(width) && width > 0 && Math.abs(x) < width * 1e-9 ? 0 : x);
  return `${fmt((1 - alpha) * 100)} % CI ${fmt(tidy(lo))} to ${fmt(tidy(hi))}${unit}`;
}

/**
 * Two figures of one row with the same number of decimals: 3 significant digits of the smaller one
 * ("$0.00205 vs $0.00200", not "$0.00205 vs $0.002").
 */
export function fmtPair(a: number, b: number): [string, string] {
  const smallest = Math.min(...[a, b].map(Math.abs).filter((x) => x > 0 && Number.isFinite(x)));
  if (!Number.isFinite(smallest) || smallest >= 1e6 || smallest < 1e-12) return [fmt(a), fmt(b)];
  const decimals = Math.max(0, Math.min(20, 2 - Math.floor(Math.log10(smallest))));
  const show = (x: number) => {
    if (!Number.isFinite(x)) return fmt(x);
    const s = x.toFixed(decimals);
    return s.charCodeAt(0) === 45 ? `−${s.slice(1)}` : s;
  };
  return [show(a), show(b)];
}

/** A duration in hours to one decimal: 86_400_000 → "24 h". */
export function fmtHours(ms: number): string {
  return `${Math.round((ms / HOUR_MS) * 10) / 10} h`;
}
