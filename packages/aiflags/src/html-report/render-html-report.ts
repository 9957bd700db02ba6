import type { AuditEntry } from '@aiflags/core';
import type { GateVerdict, ImpactReport, MetricDelta, ScoreDelta } from '@aiflags/ai';
import { esc, formatP, htmlPage, intervalSvg, opt, signed, toneOf } from './html-page.js';

/** What `aiflags report --html` draws: the impact report, the gate's verdict and the flag's rollout history. */
export interface HtmlReportInput {
  report: ImpactReport;
  verdict: GateVerdict;
  /** Audit entries of the flag, any order. */
  history: AuditEntry[];
  /** ISO-8601 time the report was made. */
  generatedAt: string;
}

interface MetricSpec {
  /** A built-in metric, or `scores.<name>` for a named score. */
  key: string;
  label: string;
  /** Whether a larger value is better. */
  higherIsBetter: boolean;
  format: (value: number) => string;
  formatDiff: (value: number) => string;
}

const METRICS: MetricSpec[] = [
  { key: 'quality', label: 'Quality', higherIsBetter: true, format: (v) => v.toFixed(2), formatDiff: (v) => signed(v.toFixed(3)) },
  { key: 'latencyP95', label: 'p95 latency', higherIsBetter: false, format: (v) => `${v.toFixed(1)} ms`, formatDiff: (v) => `${signed(v.toFixed(1))} ms` },
  { key: 'cost', label: 'Cost / request', higherIsBetter: false, format: (v) => `$${v.toFixed(5)}`, formatDiff: (v) => `${signed(v.toFixed(5))} $` },
  {
    key: 'errorRate',
    label: 'Error rate',
    higherIsBetter: false,
    format: (v) => `${(v * 100).toFixed(2)} %`,
    formatDiff: (v) => `${signed((v * 100).toFixed(2))} pt`,
  },
];

const TTFT: MetricSpec = {
  key: 'ttftP95',
  label: 'p95 time to first token',
  higherIsBetter: false,
  format: (v) => `${v.toFixed(1)} ms`,
  formatDiff: (v) => `${signed(v.toFixed(1))} ms`,
};

/** A named score's row: its name (marked when a guardrail) and its direction. */
function scoreSpec(d: ScoreDelta): MetricSpec {
  return {
    key: `scores.${d.name}`,
    label: `${d.name}${d.guardrail ? ' (guardrail)' : ''}`,
    higherIsBetter: d.direction === 'higher',
    format: (v) => v.toFixed(3),
    formatDiff: (v) => signed(v.toFixed(3)),
  };
}

/** A self-contained HTML page (inline CSS and SVG, no scripts, no network) for one flag's impact report. */
export function renderHtmlReport({ report, verdict, history, generatedAt }: HtmlReportInput): string {
  const confidence = `${Math.round((1 - report.alpha) * 100)} %`;
  const body = [
    `<header><h1>Impact report: <code>${esc(report.flagKey)}</code></h1>`,
    `<p class="meta">Control <code>${esc(report.control)}</code> · ${confidence} intervals · generated ${esc(generatedAt)}</p></header>`,
    verdictSection(verdict),
    variantsSection(report, verdict),
    ...report.treatments.map((t) => treatmentSection(report, t.variant, confidence)),
    srmSection(report),
    judgesSection(report),
    historySection(history),
  ].join('\n');
  return htmlPage(`aiflags report: ${report.flagKey}`, body, CSS);
}

function verdictSection(verdict: GateVerdict): string {
  return `<section class="verdict ${verdict.decision}" data-testid="verdict" data-decision="${verdict.decision}">
<h2>Verdict: <span class="decision">${verdict.decision}</span></h2>
<ul>${verdict.reasons.map((r) => `<li>${esc(r)}</li>`).join('')}</ul>
</section>`;
}

function variantsSection(report: ImpactReport, verdict: GateVerdict): string {
  // Per arm: the gate's verdict against control, and which arm won, when one did.
  const arm = new Map(verdict.treatments.map((t) => [t.variant, t.decision]));
  const tags = (variant: string) =>
    [
      variant === report.control ? '<span class="tag">control</span>' : '',
      verdict.treatments.length > 1 && arm.has(variant) ? `<span class="tag arm-${arm.get(variant)}" data-field="arm">${arm.get(variant)}</span>` : '',
      verdict.winner?.variant === variant ? '<span class="tag winner" data-field="winner">winner</span>' : '',
    ]
      .filter(Boolean)
      .join(' ');
  const rows = report.variants
    .map(
      (v) => `<tr data-variant="${esc(v.variant)}"${verdict.winner?.variant === v.variant ? ' class="winner"' : ''}>
<td><code>${esc(v.variant)}</code> ${tags(v.variant)}</td>
<td class="num" data-field="units">${v.size.units}</td><td class="num" data-field="exposures">${v.size.exposures}</td>
<td class="num" data-field="outcomes">${v.size.outcomes}</td>
<td class="num">${opt(v.qualityMean, (x) => x.toFixed(2))}</td><td class="num">${opt(v.latencyP95, (x) => x.toFixed(1))}</td>
<td class="num">${opt(v.costMean, (x) => x.toFixed(5))}</td><td class="num">${opt(v.errorRate, (x) => (x * 100).toFixed(2))}</td></tr>`,
    )
    .join('\n');
  return `<section><h2>Variants</h2>
<table class="variants"><thead><tr><th>Variant</th><th>Units</th><th>Exposures</th><th>Outcomes</th><th>Quality</th><th>p95 ms</th><th>Cost $</th><th>Errors %</th></tr></thead>
<tbody>${rows}</tbody></table></section>`;
}

function treatmentSection(report: ImpactReport, variant: string, confidence: string): string {
  const t = report.treatments.find((x) => x.variant === variant)!;
  const builtIn = METRICS.map((m) => metricRow(m, t[m.key as 'quality' | 'latencyP95' | 'cost' | 'errorRate']));
  // Streamed answers only: the row is left out for the rest, not shown as "not enough data".
  const ttft = t.ttftP95 ? [metricRow(TTFT, t.ttftP95)] : [];
  const scores = Object.values(t.scores ?? {}).map((d) => metricRow(scoreSpec(d), d));
  const rows = [...builtIn, ...ttft, ...scores].join('\n');
  return `<section class="treatment" data-treatment="${esc(variant)}">
<h2><code>${esc(variant)}</code> vs <code>${esc(report.control)}</code></h2>
<p class="meta">Units: ${t.n.treatment.units} vs ${t.n.control.units}. Bars are ${confidence} intervals of the difference; green is better, red worse, grey not significant.</p>
<table class="deltas"><thead><tr><th>Metric</th><th>Control</th><th>Treatment</th><th>Difference (CI)</th><th>p</th><th>n</th><th></th></tr></thead>
<tbody>${rows}</tbody></table></section>`;
}

function metricRow(m: MetricSpec, d: MetricDelta | undefined): string {
  if (!d) return `<tr data-metric="${m.key}"><td>${m.label}</td><td colspan="6" class="muted">not enough data</td></tr>`;
  const tone = toneOf(d, m.higherIsBetter);
  return `<tr data-metric="${m.key}" data-diff="${d.diff}" data-ci-low="${d.ci[0]}" data-ci-high="${d.ci[1]}" data-p="${d.p}">
<td>${m.label}</td><td class="num">${m.format(d.control)}</td><td class="num">${m.format(d.treatment)}</td>
<td class="num ${tone}">${m.formatDiff(d.diff)}${d.relative !== undefined ? ` (${signed((d.relative * 100).toFixed(1))} %)` : ''}<br><span class="ci">[${m.formatDiff(d.ci[0])}, ${m.formatDiff(d.ci[1])}]</span></td>
<td class="num">${formatP(d.p)}</td><td class="num">${d.n[1]} / ${d.n[0]}</td>
<td>${intervalSvg(d, tone)}</td></tr>`;
}

function srmSection(report: ImpactReport): string {
  const srm = report.srm;
  if (!srm) {
    const why = report.srmNotChecked ? `Not checked: ${esc(report.srmNotChecked)}.` : 'Only one variant has traffic.';
    return `<section data-testid="srm"><h2>Sample ratio</h2><p class="muted">${why}</p></section>`;
  }
  const total = srm.observed.reduce((a, b) => a + b, 0);
  const rows = srm.variants
    .map(
      (v, i) =>
        `<tr><td><code>${esc(v)}</code></td><td class="num">${srm.observed[i]}</td><td class="num">${((srm.observed[i]! / total) * 100).toFixed(2)} %</td><td class="num">${(srm.expected[i]! * 100).toFixed(2)} %</td></tr>`,
    )
    .join('');
  return `<section data-testid="srm" data-mismatch="${srm.mismatch}" data-p="${srm.p}">
<h2>Sample ratio ${srm.mismatch ? '<span class="bad">mismatch</span>' : '<span class="good">OK</span>'}</h2>
<p class="meta">χ² = ${srm.chi2.toFixed(2)}, df = ${srm.df}, p ${srm.p < 0.001 ? '' : '= '}${formatP(srm.p)} over ${srm.basis}; a mismatch (p &lt; 0.001) means the split is broken and no comparison can be trusted.</p>
<table><thead><tr><th>Variant</th><th>Observed</th><th>Share</th><th>Expected</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

/** What the judges did per variant (from the store) and what it cost, apart from the requests' cost; left out when no judge ran. */
function judgesSection(report: ImpactReport): string {
  const judged = report.variants.filter((v) => v.judges !== undefined);
  if (judged.length === 0) return '';
  const rows = judged
    .map((v) => {
      const c = v.judges!;
      return `<tr data-variant="${esc(v.variant)}"><td><code>${esc(v.variant)}</code></td><td class="num" data-field="sampled">${c.sampled}</td><td class="num" data-field="judged">${c.judged}</td><td class="num" data-field="failed">${c.failed}</td><td class="num" data-field="dropped">${c.dropped}</td><td class="num" data-field="skippedBudget">${c.skippedBudget}</td><td class="num" data-field="costUsd">${c.costUsd.toFixed(4)}</td></tr>`;
    })
    .join('');
  const skipped = judged.reduce((n, v) => n + v.judges!.skippedBudget, 0);
  const paused = skipped > 0 ? ` Sampling paused: ${skipped} samples skipped for the hourly budget.` : '';
  return `<section data-testid="judges"><h2>Judges</h2>
<p class="meta">Judge cost is apart from the requests' own cost and never part of the cost comparison.${paused}</p>
<table><thead><tr><th>Variant</th><th>Sampled</th><th>Judged</th><th>Failed</th><th>Dropped</th><th>Skipped (budget)</th><th>Judge cost $</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

/** The rollout's percentage over time, as a step chart, from the audit entries that set it. */
function historySection(history: AuditEntry[]): string {
  const entries = [...history].sort((a, b) => a.at.localeCompare(b.at));
  const list = entries
    .map(
      (e) =>
        `<li><time>${esc(e.at)}</time> <b>${esc(e.action)}</b> by ${esc(e.actor)}${percentOf(e.after) !== undefined ? ` → ${percentOf(e.after)} %` : ''}${e.reason ? `: ${esc(e.reason)}` : ''}</li>`,
    )
    .join('');
  const points = entries.flatMap((e) => {
    const p = percentOf(e.after);
    return p === undefined ? [] : [{ t: Date.parse(e.at), p }];
  });
  if (entries.length === 0) return `<section data-testid="history"><h2>Rollout history</h2><p class="muted">No changes recorded for this flag.</p></section>`;
  return `<section data-testid="history"><h2>Rollout history</h2>${points.length > 0 ? stepChart(points) : ''}<ol class="history">${list}</ol></section>`;
}

function stepChart(points: Array<{ t: number; p: number }>): string {
  const w = 640;
  const h = 160;
  const pad = 32;
  const left = 48; // room for the percent labels
  const t0 = points[0]!.t;
  const t1 = Math.max(points[points.length - 1]!.t, t0 + 1);
  const end = t1 + (t1 - t0) * 0.1 + 1;
  const x = (t: number) => (left + ((t - t0) / (end - t0)) * (w - left - pad)).toFixed(1);
  const y = (p: number) => (h - pad - (p / 100) * (h - 2 * pad)).toFixed(1);
  let d = `M ${x(t0)} ${y(0)}`;
  for (const pt of points) d += ` H ${x(pt.t)} V ${y(pt.p)}`;
  d += ` H ${x(end)}`;
  const ticks = [0, 25, 50, 75, 100]
    .map(
      (p) =>
        `<text x="${left - 6}" y="${y(p)}" class="tick" text-anchor="end" dominant-baseline="middle">${p} %</text><line class="grid" x1="${left}" x2="${w - pad}" y1="${y(p)}" y2="${y(p)}"/>`,
    )
    .join('');
  const dots = points.map((pt) => `<circle cx="${x(pt.t)}" cy="${y(pt.p)}" r="3"/>`).join('');
  return `<svg class="steps" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="rollout percentage over time">${ticks}<path d="${d}"/>${dots}</svg>`;
}

function percentOf(after: unknown): number | undefined {
  if (after && typeof after === 'object' && 'percentage' in after && typeof after.percentage === 'number') return after.percentage;
  return undefined;
}

/** The impact report's own styles; the shared ones are in html-page.ts. */
const CSS = `
tr.winner td{background:#e7f6ec}.tag.winner{background:#1a7f37;color:#fff}.tag.arm-drop{background:#fdeaea}
svg.steps path{fill:none;stroke:#2457c5;stroke-width:2}svg.steps circle{fill:#2457c5}svg.steps .grid{stroke:#eef1f4}svg.steps .tick{font-size:11px;fill:#66707c}
ol.history{padding-left:1.2rem;color:#38414b}
`;
