import type { EvaluationReport } from './flag-evaluation.js';
import { GOAL_ROWS } from './contender.js';
import type { BenchRow } from './report.js';

export type TableFormat = 'text' | 'markdown';

/** Renders rows of cells as an aligned plain-text table or a GitHub markdown table. */
export function renderTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  format: TableFormat,
  rightAligned: ReadonlySet<number> = new Set(),
): string {
  if (format === 'markdown') {
    const line = (cells: readonly string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
    const rule = header.map((_, i) => (rightAligned.has(i) ? '---:' : '---'));
    return [line(header), line(rule), ...rows.map(line)].join('\n');
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const pad = (cells: readonly string[]) =>
    cells
      .map((c, i) => (rightAligned.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [pad(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(pad)].join('\n');
}

function fixed(value: number | undefined, digits: number): string {
  return value === undefined ? '—' : value.toFixed(digits);
}

function opsPerSecond(ns: number | undefined): string {
  if (ns === undefined) return '—';
  const ops = 1e9 / ns;
  return ops >= 1e6 ? `${(ops / 1e6).toFixed(2)} M` : `${(ops / 1e3).toFixed(0)} k`;
}

/** The flag-evaluation table: one row per contender, then the goals. */
export function renderEvaluationReport(report: EvaluationReport, format: TableFormat): string {
  const raw = report.rows.find((r) => r.name === GOAL_ROWS.aiflagsRaw)?.medianNs;
  const header = ['contender', 'via', 'CPU ns/eval (median)', 'CPU ns/eval (best)', 'wall ns/eval (median)', 'evals/s (CPU)', 'vs aiflags raw', 'got true'];
  const measured = report.rows.filter((r) => r.skipped === undefined);
  const skipped = report.rows.filter((r) => r.skipped !== undefined).map((r) => `not measured: ${r.name} (${r.kind}): ${r.skipped}`);
  const rows = measured.map((r) => [
    r.name,
    r.kind,
    fixed(r.medianNs, 0),
    fixed(r.minNs, 0),
    fixed(r.medianWallNs, 0),
    opsPerSecond(r.medianNs),
    raw !== undefined && r.medianNs !== undefined ? `${(r.medianNs / raw).toFixed(1)}x` : '—',
    `${fixed(r.truePercent, 2)} %`,
  ]);
  const goalRows = report.goals.map((g) => [g.goal, g.measured, g.met === undefined ? 'not measured' : g.met ? 'met' : 'MISSED']);
  const title = `Flag evaluation: one ${report.flag.percentage} % rollout boolean flag, ${report.flag.users.toLocaleString('en-US')} users, median of ${report.plan.rounds} interleaved rounds (process CPU time) after ${report.plan.warmupRounds} warm-up`;
  const heading = format === 'markdown' ? `### ${title}` : title;
  return [
    heading,
    '',
    renderTable(header, rows, format, new Set([2, 3, 4, 5, 6, 7])),
    ...(skipped.length > 0 ? ['', ...skipped.map((line) => (format === 'markdown' ? `- ${line}` : line))] : []),
    '',
    renderTable(['goal', 'measured', 'status'], goalRows, format),
  ].join('\n');
}

/** Rows from the `ai-*` and `redis-*` bench modules, grouped by suite in the order they came. */
export function renderBenchRows(rows: readonly BenchRow[], format: TableFormat): string {
  const cells = rows.map((r) => [r.suite, r.name, formatValue(r.value), r.unit, r.note ?? '']);
  return renderTable(['suite', 'measure', 'value', 'unit', 'note'], cells, format, new Set([2]));
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return '—';
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(3);
}
