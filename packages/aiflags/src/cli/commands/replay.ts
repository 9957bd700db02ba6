import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  analyzeReplay,
  type ReplayCase,
  type ReplayResult,
  type ReplayRun,
  type ReplayScorer,
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
        const concurrency = positiveInteger('--concurrency', options.concurrency);
        const retries = positiveInteger('--retries', options.retries, 0);
        const maxCostUsd = options.maxCost === undefined ? undefined : usd(options.maxCost);
        const timeoutMs = positiveInteger('--timeout', options.timeout);
        const { cases, broken } = await readCases(options.cases);
        for (const problem of broken.slice(0, 10)) process.stderr.write(`aiflags: skipped ${problem}\n`);
        if (broken.length > 10) process.stderr.write(`aiflags: skipped ${broken.length - 10} more broken lines\n`);
        const { run, scorers } = await loadRunModule(options.run);
        const results = new FileReplayResults<ReplayResult>(resolveRuntimeSpec({ flags: flagsPath }).stateDir);
        // The variants' values decide what a run sees: results of other values are not reused.
        const flagVersion = replayFlagVersion(flag.definition);
        const tty = process.stderr.isTTY === true && !options.json;
        const summary = await runReplay({
          flagKey,
          flagVersion,
          variants,
          cases,
          run,
          scorers,
          results,
          concurrency,
          retries,
          timeoutMs,
          ...(maxCostUsd !== undefined ? { maxCostUsd } : {}),
          onProgress: tty ? (done, total) => process.stderr.write(`\r${progressBar(done, total)}`) : undefined,
        });
        if (tty) process.stderr.write('\n');
        const report = analyzeReplay(summary.results, { control, cases });
        const complete = summary.skippedForCost === 0;
        if (options.json) {
          process.stdout.write(`${JSON.stringify({ summary: { ...summary, results: undefined, complete, brokenLines: broken.length }, report }, null, 2)}\n`);
        } else {
          process.stdout.write(`${renderReplayReport(report)}\n\n`);
          process.stdout.write(
            `${summary.ran} runs now, ${summary.reused} reused from ${printable(results.fileFor(flagKey))}, ${summary.failed} failed, $${summary.costUsd.toFixed(4)} spent\n`,
          );
        }
        if (options.html) {
          const html = renderReplayHtmlReport(report, { generatedAt: new Date().toISOString() });
          await writeFile(options.html, html).catch((error: Error) => {
            throw new CliError(`--html ${printable(options.html!)}: cannot write the report (${error.message})`);
          });
          if (!options.json) process.stdout.write(`HTML report: ${printable(options.html)}\n`);
        }
        if (!complete) {
          process.stderr.write(
            `aiflags: stopped at the cost cap ($${maxCostUsd}): ${summary.skippedForCost} runs not started; run again to continue where it stopped\n`,
          );
          process.exitCode = 1;
        }
      }),
    );
}

/** The cases of a JSON-lines file, streamed; a broken line is reported with its number and the rest still run. */
async function readCases(file: string): Promise<{ cases: ReplayCase[]; broken: string[] }> {
  const cases: ReplayCase[] = [];
  const broken: string[] = [];
  const ids = new Set<string>();
  let line = 0;
  for await (const text of await fileLines(file)) {
    line++;
    if (text.trim() === '') continue;
    const parsed = caseFromLine(text, line);
    if (typeof parsed === 'string') {
      broken.push(`${file}:${line}: ${parsed}`);
      continue;
    }
    if (ids.has(parsed.id)) throw new CliError(`${file}:${line}: case id '${parsed.id}' is used twice; results are kept per id`);
    ids.add(parsed.id);
    cases.push(parsed);
  }
  if (cases.length === 0) throw new CliError(`${file}: no cases${broken.length ? ` (${broken.length} broken lines, the first: ${broken[0]})` : ''}`);
  return { cases, broken };
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

function positiveInteger(name: string, text: string, min = 1): number {
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min) throw new CliError(`${name}: expected a whole number ≥ ${min}, got '${text}'`);
  return n;
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
