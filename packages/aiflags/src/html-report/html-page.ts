/** What the HTML reports share: the page shell and its CSS, escaping, number text and the interval picture. */

/** Whether a difference is significant and, if so, better or worse: the colour of its text and bar. */
export type Tone = 'better' | 'worse' | 'neutral';

/** An estimated difference (treatment − control) and its interval, in the metric's unit. */
export interface Interval {
  diff: number;
  ci: readonly [number, number];
}

/** A self-contained page (inline CSS, no scripts, no network) around `body`; `extraCss` is the report's own. */
export function htmlPage(title: string, body: string, extraCss = ''): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${CSS}${extraCss}</style></head>
<body>
${body}
</body></html>
`;
}

/** Grey when the interval spans zero, else green when the difference points the better way. */
export function toneOf(d: Interval, higherIsBetter: boolean): Tone {
  const significant = d.ci[0] > 0 || d.ci[1] < 0;
  if (!significant) return 'neutral';
  return d.diff > 0 === higherIsBetter ? 'better' : 'worse';
}

/** A forest-plot row: zero line, interval bar and point estimate on a scale symmetric around zero. */
export function intervalSvg(d: Interval, tone: Tone): string {
  // One pair, or none, has no interval: say so rather than draw lines at NaN.
  if (!hasInterval(d)) return '<span class="muted no-interval">no interval</span>';
  const w = 260;
  const h = 28;
  // An interval from too few samples can be unbounded on one side: its bar runs to the edge.
  const finite = [d.ci[0], d.ci[1], d.diff].filter(Number.isFinite).map(Math.abs);
  const extent = Math.max(...finite, 0) * 1.15 || 1;
  const x = (v: number) => (w / 2 + (Math.max(-extent, Math.min(extent, v)) / extent) * (w / 2 - 8)).toFixed(1);
  return `<svg class="forest ${tone}" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="difference ${d.diff} with interval ${d.ci[0]} to ${d.ci[1]}">
<line class="zero" x1="${w / 2}" x2="${w / 2}" y1="2" y2="${h - 2}"/>
<line class="bar" x1="${x(d.ci[0])}" x2="${x(d.ci[1])}" y1="${h / 2}" y2="${h / 2}"/>
<line class="cap" x1="${x(d.ci[0])}" x2="${x(d.ci[0])}" y1="${h / 2 - 6}" y2="${h / 2 + 6}"/>
<line class="cap" x1="${x(d.ci[1])}" x2="${x(d.ci[1])}" y1="${h / 2 - 6}" y2="${h / 2 + 6}"/>
<circle class="point" cx="${x(d.diff)}" cy="${h / 2}" r="4.5"/></svg>`;
}

/** Whether the difference and both ends are numbers (an end may be infinite); false from too few samples. */
export function hasInterval(d: Interval): boolean {
  return ![d.diff, d.ci[0], d.ci[1]].some(Number.isNaN);
}

/** A p-value as HTML text: "&lt; 0.001" or three decimals. */
export const formatP = (p: number) => (p < 0.001 ? '&lt; 0.001' : p.toFixed(3));
/** A formatted number with an explicit sign and a real minus sign; ±Infinity as ±∞. */
export const signed = (s: string) => (s === 'Infinity' ? '+∞' : s === '-Infinity' ? '−∞' : s.startsWith('-') ? `−${s.slice(1)}` : `+${s}`);
/** A value through `f`, or a dash when there is none. */
export const opt = (v: number | undefined, f: (x: number) => string) => (v === undefined ? '—' : f(v));
/** Text safe inside an element or a quoted attribute. */
export const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const CSS = `
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1000px;color:#1d232b;padding:0 1rem}
h1{font-size:1.5rem;margin:0}h2{font-size:1.1rem;margin:1.6rem 0 .5rem}code{font-family:ui-monospace,monospace}
.meta,.muted{color:#66707c}table{border-collapse:collapse;width:100%}th,td{padding:.35rem .5rem;border-bottom:1px solid #e4e7eb;text-align:left;vertical-align:middle}
th{font-weight:600;color:#4a535e}.num{text-align:right;font-variant-numeric:tabular-nums}.ci{color:#66707c;font-size:.85em}
.tag{font-size:.75em;background:#eef1f4;border-radius:3px;padding:0 .3em}
.verdict{border-radius:6px;padding:.6rem 1rem;margin-top:1rem}.verdict h2{margin:.2rem 0}.verdict.promote{background:#e7f6ec}
.verdict.rollback{background:#fdeaea}.verdict.continue{background:#fff6e0}.decision{text-transform:uppercase;letter-spacing:.04em}
.better{color:#127a3a}.worse{color:#b3261e}.good{color:#127a3a}.bad{color:#b3261e}
svg.forest line.zero{stroke:#9aa3ad;stroke-dasharray:3 3}svg.forest line.bar,svg.forest line.cap{stroke-width:2.5}
svg.forest.better line.bar,svg.forest.better line.cap{stroke:#127a3a}svg.forest.better circle{fill:#127a3a}
svg.forest.worse line.bar,svg.forest.worse line.cap{stroke:#b3261e}svg.forest.worse circle{fill:#b3261e}
svg.forest.neutral line.bar,svg.forest.neutral line.cap{stroke:#7b8590}svg.forest.neutral circle{fill:#7b8590}
`;
