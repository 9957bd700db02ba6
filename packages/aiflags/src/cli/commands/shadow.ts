import { analyzeReplayTally, fillReplayExamples, isShadowArm, ReplayTally, renderReplayReport, SHADOW_VERSION } from '@aiflags/ai';
import { FileReplayResults } from '@aiflags/file';
import type { Command } from 'commander';
import { renderReplayHtmlReport } from '../../html-report/render-replay-html-report.js';
import { type Runtime, withRuntime } from '../../runtime.js';
import { action, CliError } from '../cli-error.js';
import { flagsPathFor } from '../global-options.js';
import { printable } from '../printable.js';
import { readFlagSet } from '../read-flag-set.js';
import { wholeNumber } from '../whole-number.js';
import { writeHtmlReport } from '../write-html-report.js';

interface ShadowOptions {
  control?: string;
  examples: string;
  json?: boolean;
  html?: string;
}

/**
 * `aiflags shadow <flag>`: what shadow traffic recorded, the candidate's shadow arm against the served control
 * paired per request, in the replay report's terms (text, --json, --html), read from where every instance writes
 * it (`.aiflags/replay/`, or Redis with REDIS_URL). The results are streamed twice: numbers, then the outputs of
 * the few requests the report lists.
 */
export function register(program: Command): void {
  program
    .command('shadow')
    .description('shadow traffic of a flag: the shadow arm against the served control, paired per request (text, --json, --html)')
    .argument('<flag>', 'flag key')
    .option('--control <variant>', "the served control (default: the flag's defaultVariant)")
    .option('--examples <n>', 'worst and best requests to list', '5')
    .option('--json', 'print the report as JSON')
    .option('--html <file>', 'also write a self-contained HTML report: intervals, win/tie/loss and the worst and best requests')
    .action(
      action(async (flagKey: string, options: ShadowOptions, command: Command) => {
        const flagsPath = flagsPathFor(command);
        const set = await readFlagSet(flagsPath);
        const flag = set.flags.get(flagKey);
        if (!flag) throw new CliError(`${flagsPath}: no flag '${flagKey}'`);
        const control = options.control ?? flag.definition.defaultVariant;
        const examples = wholeNumber('--examples', options.examples, 0);
        await withRuntime({ flags: flagsPath }, async (runtime) => {
          const source = sourceLabel(runtime, flagKey);
          const keep = (r: { variant: string }) => r.variant === control || isShadowArm(r.variant);
          const tally = await ReplayTally.from(runtime.shadows.stream(flagKey, SHADOW_VERSION), keep);
          const analysis = analyzeReplayTally(tally, { control, examples });
          const shadowed = analysis.arms.filter((a) => isShadowArm(a.variant));
          if (shadowed.length === 0) {
            throw new CliError(
              `no shadow results of '${flagKey}' in ${printable(source)}: the flag needs \`shadow: { variant, rate }\` and the app \`flags.shadow(...)\` with \`ticket.served(...)\``,
            );
          }
          const report = await fillReplayExamples(analysis, runtime.shadows.stream(flagKey, SHADOW_VERSION));
          if (options.json) process.stdout.write(`${JSON.stringify({ source, report }, null, 2)}\n`);
          else process.stdout.write(`${renderReplayReport(report)}\n\nread from ${printable(source)}\n`);
          if (options.html) {
            await writeHtmlReport(options.html, renderReplayHtmlReport(report, { generatedAt: new Date().toISOString() }));
            if (!options.json) process.stdout.write(`HTML report: ${printable(options.html)}\n`);
          }
        });
      }),
    );
}

/** Where the flag's shadow results are read from, for people: the file, or the Redis store. */
function sourceLabel(runtime: Runtime, flagKey: string): string {
  return runtime.spec.store.kind === 'file' ? new FileReplayResults(runtime.stateDir).fileFor(flagKey) : runtime.spec.storeLabel;
}
