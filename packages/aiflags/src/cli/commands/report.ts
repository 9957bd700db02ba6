import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { HOUR_MS } from '@aiflags/metrics';
import { measureFlag, renderImpactReport } from '@aiflags/ai';
import { withRuntime } from '../../runtime.js';
import { action, CliError } from '../cli-error.js';
import { flagsPathFor } from '../global-options.js';
import { printable } from '../printable.js';
import { readFlagSet } from '../read-flag-set.js';
import { renderHtmlReport } from '../../html-report/render-html-report.js';

/** `aiflags report <flag>`: per-variant table, deltas with intervals and p-values, SRM, verdict. */
export function register(program: Command): void {
  program
    .command('report')
    .description('measure a flag: quality, p95 latency, cost and error-rate deltas per variant, SRM check, verdict')
    .argument('<flag>', 'flag key')
    .option('--control <variant>', "control variant (default: the flag's defaultVariant)")
    .option('--since <time>', 'ISO time or hours back (e.g. 48h); default: when the current rollout step started, else all data')
    .option('--json', 'print the report and verdict as JSON')
    .option('--html <file>', 'also write a self-contained HTML report with a picture of every delta and the rollout history')
    .action(
      action(async (flagKey: string, opts: { control?: string; since?: string; json?: boolean; html?: string }, command: Command) => {
        const flagsPath = flagsPathFor(command);
        const set = await readFlagSet(flagsPath);
        const flag = set.flags.get(flagKey);
        if (!flag) throw new CliError(`${flagsPath}: no flag '${flagKey}'`);
        const control = opts.control ?? flag.definition.defaultVariant;
        if (!(control in flag.definition.variants)) {
          throw new CliError(`--control: flag '${flagKey}' has no variant '${control}' (variants: ${Object.keys(flag.definition.variants).join(', ')})`);
        }
        await withRuntime({ flags: flagsPath }, async (runtime) => {
          const live = runtime.state.current().flags[flagKey];
          const now = Date.now();
          const since = opts.since !== undefined ? parseSince(opts.since, now) : undefined;
          const { window, report, verdict } = await measureFlag(runtime.metrics, flag, { live, since, now, control });
          if (opts.json) process.stdout.write(`${JSON.stringify({ report, verdict }, null, 2)}\n`);
          else {
            process.stdout.write(`${renderImpactReport(report, verdict)}\n`);
            if (window.fromStep && report.variants.length === 0) {
              process.stdout.write(`(the rollout's current step started then; earlier hours ran at another percentage: --since <ISO time | 72h> shows them)\n`);
            }
          }
          if (opts.html) {
            const history = await runtime.state.audit.list({ target: flagKey, limit: 1000 });
            await writeFile(opts.html, renderHtmlReport({ report, verdict, history, generatedAt: new Date().toISOString() }));
            if (!opts.json) process.stdout.write(`\nHTML report: ${printable(opts.html)}\n`);
          }
        });
      }),
    );
}

/** The longest `--since <n>h` window: ten years, in hours; beyond it no metrics exist, and the time would overflow a Date. */
export const MAX_SINCE_HOURS = 10 * 366 * 24;

/** `--since`: an ISO time, or hours back (`48h`, `1.5h`, at most MAX_SINCE_HOURS); the start of the window, epoch ms. */
export function parseSince(text: string, now = Date.now()): number {
  const hours = /^(\d+(?:\.\d+)?)h$/.exec(text);
  if (hours) {
    const n = Number(hours[1]);
    if (!(n <= MAX_SINCE_HOURS)) throw new CliError(`--since: ${text} is more than ${MAX_SINCE_HOURS}h (ten years) back`);
    return now - n * HOUR_MS;
  }
  const t = Date.parse(text);
  if (!Number.isFinite(t)) throw new CliError(`--since: expected an ISO time or hours back like 48h, got '${text}'`);
  if (t > now) throw new CliError(`--since: ${new Date(t).toISOString()} is in the future`);
  return t;
}
