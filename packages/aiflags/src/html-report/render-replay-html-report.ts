import { escapeControls } from '@aiflags/core';
import {
  fmt,
  fmtCi,
  fmtP,
  type ReplayCaseDiff,
  type ReplayMetricComparison,
  type ReplayReport,
  type ReplayTreatment,
  SHADOW_VERSION,
  signed,
} from '@aiflags/ai';
import { esc, hasInterval, htmlPage, intervalSvg, opt, toneOf } from './html-page.js';

export interface ReplayHtmlOptions {
  /** ISO-8601 time the report was made. */
  generatedAt: string;
  /** Characters of an input, reference or output shown before it is cut (default 2000); the full length is noted. */
  maxTextChars?: number;
}

const DEFAULT_MAX_TEXT_CHARS = 2000;

/**
 * `aiflags replay --html`: a self-contained page (inline CSS and SVG, no scripts, no network) with the arms,
 * each treatment's verdict in the gate's words, its paired differences as interval pictures, win/tie/loss
 * bars, and the worst and best cases with what each arm returned. Every string from the cases or the runs is
 * escaped and cut at `maxTextChars`, since a replay's inputs and outputs are untrusted text.
 */
export function renderReplayHtmlReport(report: ReplayReport, options: ReplayHtmlOptions): string {
  const maxChars = options.maxTextChars ?? DEFAULT_MAX_TEXT_CHARS;
  const confidence = `${fmt((1 - report.alpha) * 100)} %`;
  const shadow = report.flagVersion === SHADOW_VERSION;
  const body = [
    `<header><h1>${shadow ? 'Shadow traffic' : 'Replay'} report: <code>${esc(report.flagKey)}</code></h1>`,
    `<p class="meta">Flag version <code data-field="flag-version">${esc(report.flagVersion)}</code> · control <code>${esc(report.control)}</code> · ${confidence} intervals · generated ${esc(options.generatedAt)}</p></header>`,
    armsSection(report),
    ...report.treatments.map((t) => treatmentSection(report, t, confidence, maxChars)),
  ].join('\n');
  return htmlPage(`aiflags ${shadow ? 'shadow' : 'replay'}: ${report.flagKey}`, body, CSS);
}

function armsSection(report: ReplayReport): string {
  const rows = report.arms
    .map(
      (
        a,
      ) => `<tr data-variant="${esc(a.variant)}"><td><code>${esc(a.variant)}</code>${a.variant === report.control ? ' <span class="tag">control</span>' : ''}</td>
<td class="num" data-field="cases">${a.cases}</td><td class="num" data-field="failures">${a.failures}</td>
<td class="num" data-field="p95">${Number.isFinite(a.latencyP95) ? fmt(a.latencyP95) : '—'}</td><td class="num" data-field="cost">${opt(a.costMean, (x) => `$${fmt(x)}`)}</td></tr>`,
    )
    .join('\n');
  return `<section><h2>Arms</h2>
<table class="arms"><thead><tr><th>Variant</th><th>${units(report).Many}</th><th>Failures</th><th>p95 latency ms</th><th>Cost / ${units(report).one}</th></tr></thead>
<tbody>${rows}</tbody></table></section>`;
}

function treatmentSection(report: ReplayReport, t: ReplayTreatment, confidence: string, maxChars: number): string {
  const rows = [...t.metrics, ...(t.latency ? [t.latency] : []), ...(t.cost ? [t.cost] : [])].map((m) => metricRow(m, report.alpha)).join('\n');
  const primary = t.metrics[0]?.metric ?? 'quality';
  return `<section class="treatment" data-treatment="${esc(t.variant)}">
<h2><code>${esc(t.variant)}</code> vs <code>${esc(report.control)}</code></h2>
<div class="verdict ${t.decision}" data-testid="verdict" data-decision="${t.decision}">
<h3>Verdict: <span class="decision">${t.decision}</span></h3>
<ul>${t.reasons.map((r) => `<li>${esc(r)}</li>`).join('')}</ul></div>
<p class="meta">Failed runs: ${t.failures[1]} of this arm, ${t.failures[0]} of control on the same ${units(report).many}. Bars are ${confidence} paired t intervals of the mean difference (treatment − control); green is better, red worse, grey not significant. Win/tie/loss counts the ${units(report).many} where the treatment did better, the same, or worse.</p>
${
  rows
    ? `<table class="deltas"><thead><tr><th>Metric</th><th>Control</th><th>Treatment</th><th>Difference (CI)</th><th>p (paired t)</th><th>p (signed-rank)</th><th>Win / tie / loss</th><th></th></tr></thead>
<tbody>${rows}</tbody></table>`
    : '<p class="muted">No case passed on both arms: nothing to compare.</p>'
}
${casesSection(`Worst ${units(report).many}`, 'worst', t.worst, primary, maxChars)}
${casesSection(`Best ${units(report).many}`, 'best', t.best, primary, maxChars)}
</section>`;
}

function metricRow(m: ReplayMetricComparison, alpha: number): string {
  const d = m.paired;
  const tone = toneOf(d, !m.lowerIsBetter);
  const unit = m.metric === 'latencyMs' ? ' ms' : m.metric === 'costUsd' ? ' $' : '';
  return `<tr data-metric="${esc(m.metric)}" data-diff="${d.diff}" data-ci-low="${d.ci[0]}" data-ci-high="${d.ci[1]}" data-p="${d.p}" data-signed-rank-p="${m.signedRank.p}">
<td>${esc(m.metric)}${m.lowerIsBetter ? ' <span class="tag">lower is better</span>' : ''}</td><td class="num">${fmt(m.control)}${unit}</td><td class="num">${fmt(m.treatment)}${unit}</td>
<td class="num ${tone}">${signed(d.diff)}${unit}<br><span class="ci">${hasInterval(d) ? esc(fmtCi(d.ci, alpha)) : `no interval from ${m.n} case${m.n === 1 ? '' : 's'}`}</span></td>
<td class="num">${pText(d.p)}</td><td class="num">${pText(m.signedRank.p)}</td>
<td>${winTieLossSvg(m)}</td><td>${intervalSvg(d, tone)}</td></tr>`;
}

/** What a report's pairs are: recorded cases (replay) or live requests (shadow traffic). */
function units(report: ReplayReport): { one: string; many: string; Many: string } {
  return report.flagVersion === SHADOW_VERSION ? { one: 'request', many: 'requests', Many: 'Requests' } : { one: 'case', many: 'cases', Many: 'Cases' };
}

/** A p-value for a column already headed p: "&lt; 0.001", "0.042" or "n/a". */
const pText = (p: number) => esc(fmtP(p).replace(/^p = /, '').replace(/^p /, ''));

/** One bar split into wins (green), ties (grey) and losses (red) by share of the paired cases, counts beside it. */
function winTieLossSvg(m: ReplayMetricComparison): string {
  const { wins, ties, losses } = m.winTieLoss;
  const total = wins + ties + losses;
  const w = 120;
  const h = 14;
  let x = 0;
  const part = (kind: string, count: number) => {
    const width = total === 0 ? 0 : (count / total) * w;
    const rect = `<rect class="${kind}" x="${x.toFixed(1)}" y="0" width="${width.toFixed(1)}" height="${h}"><title>${count} ${kind}</title></rect>`;
    x += width;
    return rect;
  };
  return `<span class="wtl" data-wins="${wins}" data-ties="${ties}" data-losses="${losses}"><svg class="wtl" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="${wins} wins, ${ties} ties, ${losses} losses">${part('wins', wins)}${part('ties', ties)}${part('losses', losses)}</svg>
<span class="counts">${wins} / ${ties} / ${losses}</span></span>`;
}

function casesSection(title: string, kind: 'worst' | 'best', cases: ReplayCaseDiff[], primary: string, maxChars: number): string {
  if (cases.length === 0)
    return `<h3>${title}</h3><p class="muted" data-testid="${kind}">None: no case ${kind === 'worst' ? 'lost' : 'won'} on ${esc(primary)}.</p>`;
  const items = cases
    .map(
      (c) => `<li class="case" data-case-id="${esc(c.caseId)}" data-diff="${c.diff}">
<h4><code>${esc(c.caseId)}</code>: ${esc(primary)} ${fmt(c.control.score)} → ${fmt(c.treatment.score)} (<span class="${kind === 'worst' ? 'worse' : 'better'}">${signed(c.diff)}</span>)</h4>
<div class="texts">
${c.input !== undefined ? textBlock('Input', 'input', c.input, maxChars) : ''}
${c.reference !== undefined ? textBlock('Reference', 'reference', c.reference, maxChars) : ''}
${textBlock(`Control output (${fmt(c.control.score)})`, 'control-output', c.control.output, maxChars)}
${textBlock(`Treatment output (${fmt(c.treatment.score)})`, 'treatment-output', c.treatment.output, maxChars)}
</div></li>`,
    )
    .join('\n');
  return `<h3>${title}</h3><ol class="cases" data-testid="${kind}">${items}</ol>`;
}

/** A labelled block of user text: strings as they are, anything else as JSON, cut at maxChars with the full length said. */
function textBlock(label: string, field: string, value: unknown, maxChars: number): string {
  const text = typeof value === 'string' ? value : value === undefined ? '' : (JSON.stringify(value, null, 2) ?? String(value));
  const shown = cut(text, maxChars);
  const note = shown.length < text.length ? `<p class="cut">${text.length} characters, the first ${shown.length} shown</p>` : '';
  return `<div class="text" data-field="${field}"><div class="label">${esc(label)}</div>${value === undefined ? '<p class="muted">none</p>' : `<pre>${esc(visible(shown))}</pre>`}${note}</div>`;
}

/** The first maxChars characters, not splitting a surrogate pair. */
function cut(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const end = /[\ud800-\udbff]/.test(text[maxChars - 1] ?? '') ? maxChars - 1 : maxChars;
  return text.slice(0, end);
}

/** Line breaks and tabs kept (outputs have them); other controls and bidi overrides shown as escapes, so text cannot disguise itself. */
function visible(text: string): string {
  return text
    .split(/(\r?\n|\t)/)
    .map((part, i) => (i % 2 === 1 ? part : escapeControls(part)))
    .join('');
}

/** The replay report's own styles; the shared ones are in html-page.ts. */
const CSS = `
h3{font-size:1rem;margin:1.2rem 0 .4rem}h4{font-size:.95rem;margin:0 0 .4rem;font-weight:600}.verdict h3{margin:.2rem 0}
svg.wtl rect.wins{fill:#127a3a}svg.wtl rect.ties{fill:#c3c9d0}svg.wtl rect.losses{fill:#b3261e}span.wtl{white-space:nowrap}span.wtl .counts{margin-left:.4rem;color:#4a535e;font-size:.85em}
ol.cases{list-style:none;padding:0}li.case{border:1px solid #e4e7eb;border-radius:6px;padding:.6rem .8rem;margin-bottom:.8rem}
.texts{display:grid;grid-template-columns:repeat(auto-fit,minmax(220px,1fr));gap:.6rem}.text .label{font-size:.8em;color:#66707c;margin-bottom:.2rem}
.text pre{margin:0;white-space:pre-wrap;overflow-wrap:anywhere;background:#f6f8fa;border-radius:4px;padding:.4rem .5rem;max-height:24rem;overflow:auto;font-size:.85em}
.cut{font-size:.8em;color:#8a5a00;margin:.2rem 0 0}table.deltas .ci{white-space:nowrap}
`;
