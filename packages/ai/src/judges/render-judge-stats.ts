import { fmt } from '../gate/format.js';
import { formatUtcMinute } from '../impact/analysis-window.js';
import type { JudgeStats } from './judge-runner.js';

/** Judge sample counts, failures, judge cost (per variant when `flagKey` is given) and budget pauses, as report lines. */
export function renderJudgeStats(stats: JudgeStats, flagKey?: string): string[] {
  const names = Object.keys(stats.judges);
  if (names.length === 0) return [];
  const lines = ['judges (cost apart from the requests’ own):'];
  for (const name of names) {
    const c = stats.judges[name]!;
    const problems = [
      c.failed ? `${c.failed} failed` : '',
      c.timedOut ? `${c.timedOut} timed out` : '',
      c.invalid ? `${c.invalid} invalid` : '',
      c.dropped ? `${c.dropped} dropped (queue full)` : '',
      c.skippedBudget ? `${c.skippedBudget} skipped (budget spent)` : '',
    ].filter(Boolean);
    lines.push(`  ${name}: ${c.sampled} sampled, ${c.judged} judged${problems.length ? `, ${problems.join(', ')}` : ''}; $${fmt(c.costUsd)}`);
    if (flagKey === undefined) continue;
    for (const v of stats.byVariant) {
      if (v.flagKey === flagKey && v.judge === name) lines.push(`    ${v.variant}: ${v.judged} judged, $${fmt(v.costUsd)}`);
    }
  }
  const b = stats.budget;
  if (b) {
    const state = b.pausedUntil !== undefined ? `sampling PAUSED until ${formatUtcMinute(b.pausedUntil)} UTC` : 'sampling on';
    const hours = b.pausedHours ? `; ran out in ${b.pausedHours} hour${b.pausedHours === 1 ? '' : 's'}` : '';
    lines.push(`  budget: $${fmt(b.hourlyUsd)}/hour, $${fmt(b.spentThisHourUsd)} spent this hour: ${state}${hours}`);
  }
  if (stats.unknownJudges.length) lines.push(`  not registered (asked for by a flag): ${stats.unknownJudges.join(', ')}`);
  return lines;
}
