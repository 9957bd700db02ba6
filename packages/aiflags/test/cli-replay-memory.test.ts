import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expectedReplayReport, replayCaseInput, writeReplayProject } from '@aiflags/testing';
import { afterAll, describe, expect, it } from 'vitest';

const builtCli = fileURLToPath(new URL('../bin/aiflags.js', import.meta.url));
// 24 000 cases of ~8 KB: a 190 MB cases file and, with 2 KB outputs, a ~100 MB results file, against a
// 64 MB old space. Holding either (as the replay did before it streamed) dies with "heap out of memory".
const size = { cases: 24_000, inputBytes: 8_000, outputBytes: 2_000 };
const HEAP_MB = 64;
const dir = mkdtempSync(join(tmpdir(), 'aiflags-replay-memory-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function replay(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [`--max-old-space-size=${HEAP_MB}`, builtCli, ...args],
      { cwd: dir, env: { ...process.env, REDIS_URL: '' }, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

interface Diff {
  caseId: string;
  input: string;
  diff: number;
  control: { output: string };
  treatment: { output: string };
}

describe('aiflags replay of a cases file larger than its heap', () => {
  it(`streams ${size.cases} cases of ${size.inputBytes} B through ${HEAP_MB} MB of old space and reports every run, with the worst and best cases' inputs and outputs`, async () => {
    const project = writeReplayProject(dir, size);
    expect(project.casesBytes).toBeGreaterThan(2.5 * HEAP_MB * 1024 * 1024);
    const args = ['--flags', project.flags, 'replay', 'chat-model', '--cases', project.cases, '--run', project.run, '--concurrency', '16', '--json'];
    const out = await replay(args);
    expect(out.stderr).not.toMatch(/heap out of memory/);
    expect(out.code).toBe(0);
    const results = statSync(join(dir, '.aiflags', 'replay', 'chat-model.jsonl')).size;
    expect(results).toBeGreaterThan(HEAP_MB * 1024 * 1024);

    const { summary, report } = JSON.parse(out.stdout) as {
      summary: { ran: number; reused: number; failed: number; complete: boolean; costUsd: number };
      report: {
        arms: Array<{ variant: string; cases: number; failures: number }>;
        treatments: Array<{ metrics: Array<{ metric: string; n: number; winTieLoss: object }>; worst: Diff[]; best: Diff[] }>;
      };
    };
    expect(summary).toMatchObject({ ran: 2 * size.cases, reused: 0, failed: 0, complete: true });
    expect(summary.costUsd).toBeCloseTo(size.cases * 0.0021, 6);
    expect(report.arms).toEqual([
      expect.objectContaining({ variant: expect.any(String), cases: size.cases, failures: 0 }),
      expect.objectContaining({ variant: expect.any(String), cases: size.cases, failures: 0 }),
    ]);
    const expected = expectedReplayReport(size.cases);
    const t = report.treatments[0]!;
    expect(t.metrics[0]).toMatchObject({ metric: 'quality', n: size.cases, winTieLoss: { wins: expected.wins, ties: 0, losses: expected.losses } });
    expect(t.worst).toHaveLength(5);
    expect(t.best).toHaveLength(5);
    for (const [d, diff] of [...t.worst.map((d) => [d, expected.worstDiff] as const), ...t.best.map((d) => [d, expected.bestDiff] as const)]) {
      const i = Number(d.caseId.slice(1));
      expect(d.diff).toBeCloseTo(diff, 9);
      expect(d.input).toBe(replayCaseInput(i, size.inputBytes));
      expect(d.control.output.startsWith(`control ${d.caseId} o`)).toBe(true);
      expect(d.treatment.output.startsWith(`treatment ${d.caseId} o`)).toBe(true);
    }

    // A rerun reads the whole results file to resume, and runs nothing.
    const again = await replay(args);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).summary).toMatchObject({ ran: 0, reused: 2 * size.cases });
  }, 240_000);
});
