import { fmt, fmtCi, fmtP, fmtPair, pct, signed, signedPct } from '../gate/format.js';
import type { GateVerdict } from '../gate/decide.js';
import type { JudgeStats } from '../judges/judge-runner.js';
import { renderReportJudges } from '../judges/render-judge-stats.js';
import { formatUtcMinute } from './analysis-window.js';
import type { ImpactReport, MetricDelta, VariantSummary } from './impact-report.js';

/** The report as lines for a terminal: per-variant table, per-treatment deltas, SRM, judges (the store's counts, and this process's runner when given), verdict. */
export function renderImpactReport(report: ImpactReport, verdict: GateVerdict, judges?: JudgeStats): string {
  const lines: string[] = [];
  const range = [report.range.since, report.range.until].map((t) => (t === undefined ? undefined : formatUtcMinute(t)));
  const window = range[0] || range[1] ? `, ${range[0] ?? 'start'} → ${range[1] ?? 'now'} UTC` : '';
  lines.push(`${report.flagKey} — control '${report.control}'${window}`);
  for (const note of report.notes ?? []) lines.push(`(${note})`);
  if (report.variants.length === 0) {
    lines.push(range[0] ? `no exposures or outcomes recorded for this flag since ${range[0]} UTC` : 'no exposures or outcomes recorded for this flag yet');
    return lines.join('\n');
  }
  lines.push('');
  lines.push(...table(report.variants));
  const computed = report.variants.filter((v) => v.computedCosts).map((v) => `${v.variant} ${v.computedCosts!.computed} of ${v.computedCosts!.of}`);
  if (computed.length) lines.push(`(costs computed from token prices, none reported: ${computed.join(', ')})`);
  for (const t of report.treatments) {
    lines.push('', `${t.variant} vs ${report.control}`);
    const rows: Array<[string, MetricDelta | undefined, (d: MetricDelta) => string]> = [
      ['quality', t.quality, (d) => `${signed(d.diff)} (${fmtCi(d.ci, report.alpha)}, ${fmtP(d.p)}${holm(d, report)})`],
      ['p95 latency', t.latencyP95, (d) => `${signed(d.diff)} ms (${signedPct(d.relative ?? 0)}, ${fmtCi(d.ci, report.alpha, 1, ' ms')})`],
      ['cost/request', t.cost, (d) => `${signedPct(d.relative ?? 0)} ($${fmtPair(d.treatment, d.control).join(' vs $')}, ${fmtP(d.p)}${holm(d, report)})`],
      ['error rate', t.errorRate, (d) => `${signed(d.diff * 100)} points (${pct(d.treatment)} vs ${pct(d.control)}, ${fmtP(d.p)}${holm(d, report)})`],
    ];
    for (const [name, d, show] of rows) lines.push(`  ${name.padEnd(13)}${d ? show(d) : 'not enough data'}`);
    // Only streamed answers have a time to first token: the row is left out, not "not enough data", for the rest.
    if (t.ttftP95)
      lines.push(
        `  ${'p95 TTFT'.padEnd(13)}${signed(t.ttftP95.diff)} ms (${signedPct(t.ttftP95.relative ?? 0)}, ${fmtCi(t.ttftP95.ci, report.alpha, 1, ' ms')})`,
      );
    for (const d of Object.values(t.scores ?? {})) {
      const tag = d.guardrail ? ' guardrail' : '';
      const holmText = holmScores(report) ? `, Holm-adjusted ${fmtP(d.pAdjusted)}` : '';
      lines.push(`  ${d.name.padEnd(13)}${signed(d.diff)} (${fmtCi(d.ci, report.alpha)}, ${fmtP(d.p)}${holmText}; ${d.direction} is better${tag})`);
    }
  }
  const srm = report.srm;
  lines.push('');
  if (srm) {
    const counts = srm.variants.map((v, i) => `${v} ${srm.observed[i]} (expected ${pct(srm.expected[i]!)})`).join(', ');
    const from = srm.since !== undefined ? ` (counted from ${formatUtcMinute(srm.since)} UTC, the step's first whole hour)` : '';
    lines.push(`sample ratio: ${srm.mismatch ? 'MISMATCH' : 'ok'} — ${srm.basis} ${counts}, ${fmtP(srm.p)}${from}`);
  } else lines.push(`sample ratio: not checked (${report.srmNotChecked ?? 'fewer than two variants with traffic, or no configured split'})`);
  const judgeLines = renderReportJudges(report.variants, judges, report.flagKey);
  if (judgeLines.length) lines.push('', ...judgeLines);
  lines.push('', `verdict: ${verdict.decision.toUpperCase()}`);
  if (verdict.treatments.length > 1) {
    const arms = verdict.treatments.map((t) => `${t.variant} ${t.decision}${verdict.winner?.variant === t.variant ? ' (winner)' : ''}`);
    lines.push(`  arms against '${report.control}'${verdict.winner?.isControl ? ' (winner)' : ''}: ${arms.join(', ')}`);
  }
  for (const r of verdict.reasons) lines.push(`  - ${r}`);
  return lines.join('\n');
}

function holm(d: MetricDelta, report: ImpactReport): string {
  return report.treatments.length > 1 ? `, Holm-adjusted ${fmtP(d.pAdjusted)}` : '';
}

/** Named scores share one Holm family, so the adjusted p differs from p as soon as there are two comparisons. */
function holmScores(report: ImpactReport): boolean {
  return report.treatments.reduce((n, t) => n + Object.keys(t.scores ?? {}).length, 0) > 1;
}

function table(variants: VariantSummary[]): string[] {
  const header = ['variant', 'units', 'exposures', 'quality', 'p95 ms', 'cost/req', 'errors'];
  const rows = variants.map((v) => [
    v.variant,
    String(v.size.units),
    String(v.size.exposures),
    v.qualityMean !== undefined ? fmt(v.qualityMean) : '–',
    v.latencyP95 !== undefined ? fmt(v.latencyP95) : '–',
    v.costMean !== undefined ? `$${fmt(v.costMean)}` : '–',
    v.errorRate !== undefined ? pct(v.errorRate) : '–',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line)];
}
