/**
 * `aiflags replay --cases` on a 1 GB cases file under a small heap: the built CLI, in its own process with
 * `--max-old-space-size=64`, replays a generated file (cases of ~8 KB, outputs of 1 KB, two variants), then
 * reruns it (everything reused: the resume reads the whole results file). Reports each run's peak RSS
 * (getrusage maxRSS of the child), wall time and the file sizes; the goal is a peak RSS that does not grow
 * with the file (well under its size), with the report's numbers checked against the generator.
 *
 *   npx turbo run build && node --import tsx --conditions=source bench/src/ai-replay-memory.ts [--quick] [--gb 1] [--heap 64]
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expectedReplayReport, writeReplayProject } from '@aiflags/testing';
import type { BenchOptions, BenchRow } from './report.js';

const builtCli = fileURLToPath(new URL('../../packages/aiflags/bin/aiflags.js', import.meta.url));
const INPUT_BYTES = 8_000;
const OUTPUT_BYTES = 1_000;
const MB = 1024 * 1024;
// Printed by the child as it exits: its own peak RSS, exact, where polling /proc from outside could miss the top.
const REPORT_PEAK = `data:text/javascript,process.on('exit',()=>process.stderr.write('peak-rss-kb '+process.resourceUsage().maxRSS+'\\n'))`;

interface Measured {
  wallMs: number;
  peakRssMb: number;
  stdout: string;
}

function replay(cwd: string, heapMb: number, args: string[]): Promise<Measured> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [`--max-old-space-size=${heapMb}`, '--import', REPORT_PEAK, builtCli, ...args],
      { cwd, env: { ...process.env, REDIS_URL: '' }, maxBuffer: 64 * MB },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`replay failed (${error.code ?? error.signal}): ${stderr.slice(-2000)}`));
        const kb = Number(/peak-rss-kb (\d+)/.exec(stderr)?.[1]);
        resolve({ wallMs: performance.now() - start, peakRssMb: kb / 1024, stdout });
      },
    );
  });
}

export async function run(options: BenchOptions, gb = 1, heapMb = 64): Promise<BenchRow[]> {
  const bytes = (options.quick ? 0.1 : gb) * 1024 * MB;
  const cases = Math.round(bytes / (INPUT_BYTES + 30));
  const dir = mkdtempSync(join(tmpdir(), 'aiflags-replay-memory-bench-'));
  try {
    const project = writeReplayProject(dir, { cases, inputBytes: INPUT_BYTES, outputBytes: OUTPUT_BYTES });
    const args = ['--flags', project.flags, 'replay', 'chat-model', '--cases', project.cases, '--run', project.run, '--concurrency', '16', '--json'];
    const first = await replay(dir, heapMb, args);
    const resultsBytes = statSync(join(dir, '.aiflags', 'replay', 'chat-model.jsonl')).size;
    const again = await replay(dir, heapMb, args);
    const { summary, report } = JSON.parse(first.stdout) as {
      summary: { ran: number };
      report: { treatments: Array<{ metrics: Array<{ winTieLoss: { wins: number; losses: number } }> }> };
    };
    const expected = expectedReplayReport(cases);
    const wtl = report.treatments[0]?.metrics[0]?.winTieLoss;
    const right = summary.ran === 2 * cases && wtl?.wins === expected.wins && wtl.losses === expected.losses;
    const reused = (JSON.parse(again.stdout) as { summary: { reused: number } }).summary.reused === 2 * cases;
    const sizes = `${(project.casesBytes / MB).toFixed(0)} MB of cases (${cases} × ${INPUT_BYTES} B), ${(resultsBytes / MB).toFixed(0)} MB of results, --max-old-space-size=${heapMb}`;
    const goal = (peak: number) => `goal: flat, well under the files (${peak < project.casesBytes / MB / 4 ? 'met' : 'MISSED'})`;
    return [
      {
        suite: 'ai-replay-memory',
        name: 'replay peak RSS',
        value: Math.round(first.peakRssMb),
        unit: 'MB',
        note: `${sizes}; ${2 * cases} runs; report ${right ? 'right' : 'WRONG'}; ${goal(first.peakRssMb)}`,
      },
      { suite: 'ai-replay-memory', name: 'replay wall time', value: Math.round(first.wallMs / 100) / 10, unit: 's', note: 'concurrency 16, an instant run' },
      {
        suite: 'ai-replay-memory',
        name: 'rerun (all reused) peak RSS',
        value: Math.round(again.peakRssMb),
        unit: 'MB',
        note: `reads the results and cases files again; ${reused ? 'all reused' : 'NOT all reused'}; ${goal(again.peakRssMb)}`,
      },
      { suite: 'ai-replay-memory', name: 'rerun wall time', value: Math.round(again.wallMs / 100) / 10, unit: 's' },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const flag = (name: string, fallback: number) => {
    const i = process.argv.indexOf(name);
    return i === -1 ? fallback : Number(process.argv[i + 1]);
  };
  const rows = await run({ quick: process.argv.includes('--quick') }, flag('--gb', 1), flag('--heap', 64));
  for (const r of rows) console.log(`${r.name.padEnd(30)} ${String(r.value).padStart(8)} ${r.unit}  ${r.note ?? ''}`);
  process.exit(0);
}
