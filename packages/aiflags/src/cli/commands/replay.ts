import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  analyzeReplayTally,
  fillReplayExamples,
  type ReplayCase,
  type ReplayResult,
  type ReplayRun,
  type ReplayScorer,
  ReplayTally,
  renderReplayReport,
  replayFlagVersion,
  runReplay,
} from '@aiflags/ai';
import { FileReplayResults } from '@aiflags/file';
import type { Command } from 'commander';
import { renderReplayHtmlReport } from '../../html-report/render-replay-html-report.js';
import { resolveRuntimeSpec } from '../../runtime-spec.js';
import { fileLines } from '../bounded-lines.js';
import { action, CliError } from '../cli-error.js';
import { flagsPathFor } from '../global-options.js';
import { printable } from '../printable.js';
import { readFlagSet } from '../read-flag-set.js';
import { wholeNumber } from '../whole-number.js';
import { writeHtmlReport } from '../write-html-report.js';

interface ReplayOptions {
  cases: string;
  run: string;
  control?: string;
  concurrency: string;
  retries: string;
  maxCost?: string;
  timeout: string;
  json?: boolean;
  html?: string;
}

/** `aiflags replay <flag>`: recorded cases through every variant, compared per case, before anyone is exposed. */
export function register(program: Command): void {
  program
    .command('replay')
    .description('run recorded cases through every variant of a flag and compare them paired, per case (resumable)')
    .argument('<flag>', 'flag key')
    .requiredOption('--cases <file>', 'JSON lines: { "id"?, "input", "context"?, "reference"? } per case')
    .requiredOption('--run <module>', 'an ES module exporting run(variant, case) (and optionally score(case, output, variant))')
    .option('--control <variant>', "control variant (default: the flag's defaultVariant)")
    .option('--concurrency <n>', 'runs at once', '4')
    .option('--retries <n>', 'retries of a rate-limited run, with exponential backoff', '3')
    .option('--max-cost <usd>', 'stop starting runs once this much was spent (from the costUsd runs return)')
    .option('--timeout <ms>', 'a run still going after this long counts as failed', '60000')
    .option('--json', 'print the summary and report as JSON')
    .option('--html <file>', 'also write a self-contained HTML report: intervals, win/tie/loss and the worst and best cases')
    .action(
      action(async (flagKey: string, options: ReplayOptions, command: Command) => {
        const flagsPath = flagsPathFor(command);
        const set = await readFlagSet(flagsPath);
        const flag = set.flags.get(flagKey);
        if (!flag) throw new CliError(`${flagsPath}: no flag '${flagKey}'`);
        const variants = Object.entries(flag.definition.variants).map(([key, value]) => ({ key, value }));
        const control = options.control ?? flag.definition.defaultVariant;
        if (!variants.some((v) => v.key === control)) {
          throw new CliError(`--control: flag '${flagKey}' has no variant '${control}' (variants: ${variants.map((v) => v.key).join(', ')})`);
        }
        const concurrency = wholeNumber('--concurrency', options.concurrency);
        const retries = wholeNumber('--retries', options.retries, 0);
        const maxCostUsd = options.maxCost === undefined ? undefined : usd(options.maxCost);
        const timeoutMs = wholeNumber('--timeout', options.timeout);
        // Opened now, so a missing file is named before anything runs; read one case at a time as runs start.
        const lines = await fileLines(options.cases);
        const broken: BrokenLines = { first: [], count: 0 };
        const { run, scorers } = await loadRunModule(options.run);
        const results = new FileReplayResults<ReplayResult>(resolveRuntimeSpec({ flags: flagsPath }).stateDir);
        // The variants' values decide what a run sees: results of other values are not reused.
        const flagVersion = replayFlagVersion(flag.definition);
        const tty = process.stderr.isTTY === true && !options.json;
        const summary = await runReplay({
          flagKey,
          flagVersion,
          variants,
          cases: readCases(lines, options.cases, broken),
          run,
          scorers,
          results,
          keepResults: false,
          concurrency,
          retries,
          timeoutMs,
          ...(maxCostUsd !== undefined ? { maxCostUsd } : {}),
          onProgress: tty ? (done, total) => process.stderr.write(`\r${progressBar(done, total)}`) : undefined,
        });
        if (tty) process.stderr.write('\n');
        for (const problem of broken.first) process.stderr.write(`aiflags: skipped ${problem}\n`);
        if (broken.count > broken.first.length) process.stderr.write(`aiflags: skipped ${broken.count - broken.first.length} more broken lines\n`);
        // Numbers per run from a pass over the results file, then a pass over it and the cases file for the
        // outputs and inputs of the few cases the report lists: memory stays flat however large both are.
        const tally = await ReplayTally.from(results.stream(flagKey, flagVersion));
        const report = await fillReplayExamples(analyzeReplayTally(tally, { control }), results.stream(flagKey, flagVersion), casesAgain(options.cases));
        const complete = !summary.stoppedForCost;
        if (options.json) {
          process.stdout.write(`${JSON.stringify({ summary: { ...summary, results: undefined, complete, brokenLines: broken.count }, report }, null, 2)}\n`);
        } else {
          process.stdout.write(`${renderReplayReport(report)}\n\n`);
          process.stdout.write(
            `${summary.ran} runs now, ${summary.reused} reused from ${printable(results.fileFor(flagKey))}, ${summary.failed} failed, $${summary.costUsd.toFixed(4)} spent\n`,
          );
        }
        if (options.html) {
          await writeHtmlReport(options.html, renderReplayHtmlReport(report, { generatedAt: new Date().toISOString() }));
          if (!options.json) process.stdout.write(`HTML report: ${printable(options.html)}\n`);
        }
        if (!complete) {
          const left =
            summary.skippedForCost === undefined
              ? 'the runs not started are not counted (the cases file is read no further)'
              : `${summary.skippedForCost} runs not started`;
          process.stderr.write(`aiflags: stopped at the cost cap ($${maxCostUsd}): ${left}; run again to continue where it stopped\n`);
          process.exitCode = 1;
        }
      }),
    );
}

/** Broken lines of a cases file: the first ten, to print, and how many there were. */
interface BrokenLines {
  first: string[];
  count: number;
}

/**
 * The cases of a JSON-lines file, one at a time as the replay pulls them, never all in memory; a broken
 * line goes to `broken` with its number and the rest still run. Every id is kept to refuse a duplicate:
 * ids are small next to the cases (a few MB for a million), so that check stays whole.
 */
async function* readCases(lines: AsyncIterable<string>, file: string, broken: BrokenLines): AsyncGenerator<ReplayCase> {
  const ids = new Set<string>();
  let line = 0;
  for await (const text of lines) {
    line++;
    if (text.trim() === '') continue;
    const parsed = caseFromLine(text, line);
    if (typeof parsed === 'string') {
      if (broken.first.length < 10) broken.first.push(`${file}:${line}: ${parsed}`);
      broken.count++;
      continue;
    }
    if (ids.has(parsed.id)) throw new CliError(`${file}:${line}: case id '${parsed.id}' is used twice; results are kept per id`);
    ids.add(parsed.id);
    yield parsed;
  }
  if (ids.size === 0) throw new CliError(`${file}: no cases${broken.count ? ` (${broken.count} broken lines, the first: ${broken.first[0]})` : ''}`);
}

/** The cases file read once more, for the inputs of the cases a report lists; opened only if read. */
async function* casesAgain(file: string): AsyncGenerator<ReplayCase> {
  yield* readCases(await fileLines(file), file, { first: [], count: 0 });
}

/** One line's case, or what is wrong with it. */
function caseFromLine(text: string, line: number): ReplayCase | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `not JSON (${(error as Error).message})`;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value) || !('input' in value)) return 'expected an object with "input"';
  const v = value as { id?: unknown; input: unknown; context?: unknown; reference?: unknown };
  const c: ReplayCase = { id: v.id === undefined ? `line-${line}` : String(v.id), input: v.input };
  if (v.context !== undefined) {
    if (v.context === null || typeof v.context !== 'object' || Array.isArray(v.context)) return '"context" must be an object';
    c.context = v.context as ReplayCase['context'] & object;
  }
  if (v.reference !== undefined) c.reference = v.reference;
  return c;
}

async function loadRunModule(path: string): Promise<{ run: ReplayRun; scorers: ReplayScorer[] }> {
  const url = pathToFileURL(resolve(path)).href;
  if (/\.(c|m)?ts$/.test(path)) {
    try {
      const { register } = (await import('tsx/esm/api' as string)) as { register: () => void };
      register();
    } catch {
      throw new CliError(`--run ${path}: a TypeScript module needs tsx installed (npm i -D tsx), or give a .js/.mjs module`);
    }
  }
  let mod: { run?: unknown; default?: unknown; score?: unknown };
  try {
    mod = (await import(url)) as typeof mod;
  } catch (error) {
    throw new CliError(`--run ${path}: cannot load the module (${(error as Error).message})`);
  }
  const run = mod.run ?? mod.default;
  if (typeof run !== 'function') throw new CliError(`--run ${path}: the module exports no run(variant, case) function (as 'run' or default)`);
  return { run: run as ReplayRun, scorers: typeof mod.score === 'function' ? [mod.score as ReplayScorer] : [] };
}

function usd(text: string): number {
  const n = /^\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(n)) throw new CliError(`--max-cost: expected an amount in USD such as 5 or 0.50, got '${text}'`);
  return n;
}

function progressBar(done: number, total: number): string {
  const width = 30;
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`;
}
