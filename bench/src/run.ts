/**
 * `npm run bench [-- options]`: the flag-evaluation comparison, then every `ai-*` / `redis-*` bench module.
 * Progress goes to stderr, tables to stdout, so `npm run -s bench -- --markdown > table.md` gives a clean file.
 *
 *   --markdown        print markdown tables (for the README)
 *   --quick           1 warm-up + 3 rounds, and modules get { quick: true }: a smoke run, not figures
 *   --rounds N        measured rounds (default 7)      --warmup N   warm-up rounds (default 1)
 *   --users N         users per round (default 100000)
 *   --only WHAT       `flags` (the comparison only), `modules` (modules only), or a module-name substring
 *   --match A,B       flag comparison: only contenders whose id contains A or B (ids in contenders/index.ts)
 */
import { parseArgs } from 'node:util';
import { findBenchModules, runBenchModule } from './bench-modules.js';
import { runFlagEvaluation } from './flag-evaluation.js';
import { describeMachine } from './machine.js';
import type { BenchRow } from './report.js';
import { renderBenchRows, renderEvaluationReport, type TableFormat } from './table.js';

const MODULE_TIMEOUT_MS = 10 * 60_000;

function positiveInt(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name}: expected a non-negative integer, got ${text}`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      markdown: { type: 'boolean', default: false },
      quick: { type: 'boolean', default: false },
      rounds: { type: 'string' },
      warmup: { type: 'string' },
      users: { type: 'string' },
      only: { type: 'string' },
      match: { type: 'string' },
    },
  });
  const quick = values.quick ?? false;
  const format: TableFormat = values.markdown ? 'markdown' : 'text';
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const plan = {
    warmupRounds: positiveInt('warmup', values.warmup, 1),
    rounds: Math.max(1, positiveInt('rounds', values.rounds, quick ? 3 : 7)),
  };
  const users = Math.max(1, positiveInt('users', values.users, 100_000));
  const only = values.only;
  if (!(globalThis as { gc?: unknown }).gc) log('note: run with node --expose-gc so rounds start from a collected heap');

  const machine = describeMachine();
  log(machine);
  // Each section is written as soon as it is done, so a long module run cannot lose the earlier tables.
  const print = (...lines: string[]) => process.stdout.write(`${lines.join('\n')}\n`);
  print(format === 'markdown' ? `_${machine}_` : machine, '');
  let failed = false;

  if (only === undefined || only === 'flags') {
    const match = values.match
      ?.split(',')
      .map((m) => m.trim())
      .filter((m) => m !== '');
    const report = await runFlagEvaluation({ users, plan, log, ...(match ? { match } : {}) });
    print(renderEvaluationReport(report, format), '');
  }

  if (only !== 'flags') {
    const modules = await findBenchModules(only === undefined || only === 'modules' ? undefined : only);
    const rows: BenchRow[] = [];
    for (const file of modules) {
      log(`module ${file}`);
      const outcome = await runBenchModule(file, { quick }, MODULE_TIMEOUT_MS);
      rows.push(...outcome.rows);
      if (outcome.error !== undefined) {
        failed = true;
        log(`module ${file} failed: ${outcome.error}`);
        rows.push({
          suite: file.replace(/^.*\//, '').replace(/\.[jt]s$/, ''),
          name: 'FAILED',
          value: Number.NaN,
          unit: '',
          note: outcome.error.split('\n')[0]!,
        });
      }
    }
    if (rows.length > 0) print(format === 'markdown' ? '### Other benches' : 'Other benches', '', renderBenchRows(rows, format), '');
    else if (only !== undefined && only !== 'modules') log(`no bench module matches ${only}`);
  }

  const after = describeMachine();
  print(format === 'markdown' ? `_after: ${after}_` : `after: ${after}`);
  if (failed) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
