import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** The size of a generated replay project: cases, bytes of input per case, bytes of output per run. */
export interface ReplayProjectSize {
  cases: number;
  inputBytes: number;
  outputBytes: number;
}

/** The eval module's quality for case i and a variant (as JS source, with `i` and `variant` in scope). */
const replayQualitySource = "(i % 10) / 10 + (variant.key === 'control' ? 0 : i % 4 === 0 ? -0.5 : 0.25)";

/** The replay tests' flag file: `chat-model` with a small (control) and a large model. */
export const REPLAY_FLAGS_YAML = `flags:
  chat-model:
    variants:
      control: { model: small }
      treatment: { model: large }
    defaultVariant: control
`;

/** `aiflags replay chat-model` over a project dir's flags.yaml and cases.jsonl with its `run` module, then `extra`. */
export function replayCliArgs(dir: string, run = 'eval.mjs', ...extra: string[]): string[] {
  return ['--flags', join(dir, 'flags.yaml'), 'replay', 'chat-model', '--cases', join(dir, 'cases.jsonl'), '--run', join(dir, run), ...extra];
}

export interface ReplayProject {
  flags: string;
  cases: string;
  run: string;
  /** Bytes of the cases file. */
  casesBytes: number;
}

/**
 * A replay project on disk for the memory test and bench: `chat-model` (control, treatment), an eval module
 * whose treatment scores 0.25 better on three cases in four and 0.5 worse on the fourth, and a cases file
 * written a thousand lines at a time (never whole in memory, so it can be larger than the writer's heap).
 */
export function writeReplayProject(dir: string, size: ReplayProjectSize): ReplayProject {
  const flags = join(dir, 'flags.yaml');
  writeFileSync(flags, REPLAY_FLAGS_YAML);
  const run = join(dir, 'eval.mjs');
  writeFileSync(
    run,
    `const pad = 'o'.repeat(${size.outputBytes});
export async function run(variant, c) {
  const i = Number(c.id.slice(1));
  return { output: variant.key + ' ' + c.id + ' ' + pad, costUsd: variant.key === 'control' ? 0.001 : 0.0011, latencyMs: 100 + (i % 7), scores: { quality: ${replayQualitySource} } };
}
`,
  );
  const cases = join(dir, 'cases.jsonl');
  const fd = openSync(cases, 'w');
  let casesBytes = 0;
  try {
    for (let start = 0; start < size.cases; start += 1000) {
      const lines: string[] = [];
      for (let i = start; i < Math.min(start + 1000, size.cases); i++) lines.push(JSON.stringify({ id: `q${i}`, input: replayCaseInput(i, size.inputBytes) }));
      const chunk = `${lines.join('\n')}\n`;
      casesBytes += writeSync(fd, chunk);
    }
  } finally {
    closeSync(fd);
  }
  return { flags, cases, run, casesBytes };
}

/** The input of case `q<i>`: `inputBytes` of one letter, so a check can rebuild it from the id. */
export function replayCaseInput(i: number, inputBytes: number): string {
  return `case ${i} ${String.fromCharCode(97 + (i % 26)).repeat(inputBytes)}`;
}

/** What the report of a replay of `cases` generated cases says: wins and losses on quality, and the worst case's diff. */
export function expectedReplayReport(cases: number): { wins: number; losses: number; worstDiff: number; bestDiff: number } {
  const losses = Math.ceil(cases / 4);
  return { wins: cases - losses, losses, worstDiff: -0.5, bestDiff: 0.25 };
}
