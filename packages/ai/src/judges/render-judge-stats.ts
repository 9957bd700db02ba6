import { fmt } from '../gate/format.js';
import { formatUtcMinute } from '../impact/analysis-window.js';
import type { VariantSummary } from '../impact/impact-report.js';
import type { JudgeStats } from './judge-runner.js';

const HEADER = 'judges (cost apart from the requests’ own):';

/** Judge sample counts, failures, judge cost (per variant when `flagKey` is given) and budget pauses of this process, as report lines. */
export function renderJudgeStats(stats: JudgeStats, flagKey?: string): string[] {
  const lines = processLines(stats, flagKey, '  ');
  return lines.length ? [HEADER, ...lines] : [];
}

/**
 * The judges section of an impact report: each variant's counts and judge cost from the store (what every
 * process recorded), the budget pause they show, then, when given, this process's runner by judge.
 */
export function renderReportJudges(variants: readonly VariantSummary[], live?: JudgeStats, flagKey?: string): string[] {
  const lines: string[] = [];
  let skipped = 0;
  for (const v of variants) {
    const c = v.judges;
    if (c === undefined) continue;
    skipped += c.skippedBudget;
    const problems = [`${c.failed} failed`, ...notJudged(c.dropped, c.skippedBudget)];
    lines.push(`  ${v.variant}: ${c.sampled} sampled, ${c.judged} judged, ${problems.join(', ')}, $${fmt(c.costUsd)} judge cost`);
  }
  if (skipped > 0) lines.push(`  sampling paused: ${skipped} sample${skipped === 1 ? '' : 's'} skipped for the hourly budget`);
  const own = live ? processLines(live, flagKey, '    ') : [];
  if (own.length) lines.push('  this process, by judge:', ...own);
  return lines.length ? [HEADER, ...lines] : [];
}

/** One line per judge (and its variants of `flagKey`), the budget and unknown judges, each starting with `indent`. */
function processLines(stats: JudgeStats, flagKey: string | undefined, indent: string): string[] {
  const names = Object.keys(stats.judges);
  if (names.length === 0) return [];
  const lines: string[] = [];
  for (const name of names) {
    const c = stats.judges[name]!;
    const problems = [
      c.failed ? `${c.failed} failed` : '',
      c.timedOut ? `${c.timedOut} timed out` : '',
      c.invalid ? `${c.invalid} invalid` : '',
      ...notJudged(c.dropped, c.skippedBudget),
    ].filter(Boolean);
    lines.push(`${indent}${name}: ${c.sampled} sampled, ${c.judged} judged${problems.length ? `, ${problems.join(', ')}` : ''}; $${fmt(c.costUsd)}`);
    if (flagKey === undefined) continue;
    for (const v of stats.byVariant) {
      if (v.flagKey === flagKey && v.judge === name) lines.push(`${indent}  ${v.variant}: ${v.judged} judged, $${fmt(v.costUsd)}`);
    }
  }
  const b = stats.budget;
  if (b) {
    const state = b.pausedUntil !== undefined ? `sampling PAUSED until ${formatUtcMinute(b.pausedUntil)} UTC` : 'sampling on';
    const hours = b.pausedHours ? `; ran out in ${b.pausedHours} hour${b.pausedHours === 1 ? '' : 's'}` : '';
    lines.push(`${indent}budget: $${fmt(b.hourlyUsd)}/hour, $${fmt(b.spentThisHourUsd)} spent this hour: ${state}${hours}`);
  }
  if (stats.unknownJudges.length) lines.push(`${indent}not registered (asked for by a flag): ${stats.unknownJudges.join(', ')}`);
  return lines;
}

function notJudged(dropped: number, skippedBudget: number): string[] {
  return [dropped ? `${dropped} dropped (queue full)` : '', skippedBudget ? `${skippedBudget} skipped (budget spent)` : ''].filter(Boolean);
}
