import { escapeControls } from '@aiflags/core';
import { fmt, fmtCi, fmtP, signed } from '../gate/format.js';
import { SHADOW_VERSION } from '../shadow/shadow-results.js';
import type { ReplayCaseDiff, ReplayReport } from './analyze-replay.js';

/** The replay report as text for a terminal: arms, paired deltas per metric, verdict, worst and best cases. */
export function renderReplayReport(report: ReplayReport): string {
  // Shadow traffic's pairs are live requests, a replay's recorded cases: the same report, in its own words.
  const shadow = report.flagVersion === SHADOW_VERSION;
  const [one, many] = shadow ? ['request', 'requests'] : ['case', 'cases'];
  const head = shadow
    ? `shadow traffic of '${report.flagKey}': each shadow arm against the served control '${report.control}', paired per request`
    : `replay of '${report.flagKey}' (flag version ${report.flagVersion}), control '${report.control}'`;
  const lines: string[] = [head, ''];
  lines.push(`variant          ${many.padStart(5)}  failures  p95 ms   cost/${one}`);
  for (const a of report.arms) {
    lines.push(
      `${a.variant.padEnd(16)} ${String(a.cases).padStart(many.length)}  ${String(a.failures).padStart(8)}  ${fmt(a.latencyP95).padStart(6)}   ${a.costMean === undefined ? '–' : `$${fmt(a.costMean)}`}`,
    );
  }
  for (const t of report.treatments) {
    lines.push('', `${t.variant} vs ${report.control}: ${t.decision.toUpperCase()}`);
    for (const m of [...t.metrics, ...(t.latency ? [t.latency] : []), ...(t.cost ? [t.cost] : [])]) {
      const wtl = m.winTieLoss;
      lines.push(
        `  ${m.metric.padEnd(12)} ${signed(m.paired.diff)} (${fmtCi(m.paired.ci, report.alpha)}, paired t ${fmtP(m.paired.p)}, signed-rank ${fmtP(m.signedRank.p)}), ${wtl.wins} wins / ${wtl.ties} ties / ${wtl.losses} losses over ${m.n} ${many}`,
      );
    }
    for (const reason of t.reasons) lines.push(`  - ${reason}`);
    if (t.worst.length) lines.push(`  worst ${many}:`, ...t.worst.map(describe));
    if (t.best.length) lines.push(`  best ${many}:`, ...t.best.map(describe));
  }
  return lines.join('\n');
}

function describe(d: ReplayCaseDiff): string {
  return `    ${d.caseId} (${signed(d.diff)})${d.input === undefined ? '' : `: input ${short(d.input)}`}\n      ${short(d.control.output)} (${fmt(d.control.score)}) -> ${short(d.treatment.output)} (${fmt(d.treatment.score)})`;
}

function short(value: unknown): string {
  const text = escapeControls(typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value)));
  return text.length > 100 ? `${text.slice(0, 99)}…` : text;
}
