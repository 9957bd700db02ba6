import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { replayCliArgs } from '@aiflags/testing';
import { describe, expect, it } from 'vitest';
import { runCli, startCli } from './cli-ai-run.js';

function project() {
  const dir = mkdtempSync(join(tmpdir(), 'aiflags-replay-'));
  writeFileSync(
    join(dir, 'flags.yaml'),
    `flags:
  chat-model:
    variants:
      control: { model: small, provider: openai }
      treatment: { model: large, provider: anthropic }
    defaultVariant: control
    rollout: { variant: treatment, percentage: 5 }
`,
  );
  writeFileSync(join(dir, 'cases.jsonl'), `${Array.from({ length: 40 }, (_, i) => JSON.stringify({ id: `q${i}`, input: `question ${i}` })).join('\n')}\n`);
  // The user's eval: the large model is better on four cases in five, worse on the fifth; it logs every call.
  writeFileSync(
    join(dir, 'eval.mjs'),
    `import { appendFileSync } from 'node:fs';
export async function run(variant, c) {
  appendFileSync(${JSON.stringify(join(dir, 'calls.log'))}, variant.key + ' ' + c.id + '\\n');
  const i = Number(c.id.slice(1));
  const large = variant.value.model === 'large';
  return { output: variant.value.model + ': ' + c.input, costUsd: large ? 0.0011 : 0.001, latencyMs: 800, scores: { quality: 3 + (i % 5) * 0.2 + (large ? (i % 5 === 0 ? -1.5 : 0.5) : 0) } };
}
`,
  );
  return dir;
}

const calls = (dir: string) => readFileSync(join(dir, 'calls.log'), 'utf8').trim().split('\n').length;

describe('aiflags replay', () => {
  it('stops at the cost cap saying so (exit 1), resumes with only what is missing, and reports paired results', async () => {
    const dir = project();
    const args = replayCliArgs(dir);
    const capped = await runCli([...args, '--max-cost', '0.02', '--concurrency', '1']);
    expect(capped.code).toBe(1);
    expect(capped.stderr).toMatch(/stopped at the cost cap \(\$0\.02\): the runs not started are not counted \(the cases file is read no further\); run again/);
    const first = calls(dir);
    expect(first).toBeLessThan(80);

    const rest = await runCli([...args, '--json']);
    expect(rest.code).toBe(0);
    expect(calls(dir)).toBe(80);
    const { summary, report } = JSON.parse(rest.stdout) as {
      summary: { ran: number; reused: number; complete: boolean };
      report: { treatments: Array<{ decision: string; metrics: Array<{ metric: string; winTieLoss: object }>; worst: Array<{ caseId: string }> }> };
    };
    expect(summary).toMatchObject({ ran: 80 - first, reused: first, complete: true });
    const t = report.treatments[0]!;
    expect(t.metrics[0]).toMatchObject({ metric: 'quality', winTieLoss: { wins: 32, ties: 0, losses: 8 } });
    expect(t.decision).toBe('promote');
    expect(t.worst[0]!.caseId).toMatch(/^q\d+$/);

    const text = await runCli(args);
    expect(text.code).toBe(0);
    expect(calls(dir)).toBe(80);
    expect(text.stdout).toContain('treatment vs control: PROMOTE');
    expect(text.stdout).toContain('worst cases:');
    expect(text.stdout).toMatch(/0 runs now, 80 reused/);
  });

  it('reports a broken case line by number and runs the rest; names the module that cannot run', async () => {
    const dir = project();
    writeFileSync(join(dir, 'bad.jsonl'), '{"input": 1}\nnot json\n');
    const base = ['--flags', join(dir, 'flags.yaml'), 'replay', 'chat-model'];
    const bad = await runCli([...base, '--cases', join(dir, 'bad.jsonl'), '--run', join(dir, 'eval.mjs'), '--json']);
    expect(bad.stderr).toMatch(/skipped .*bad\.jsonl:2: not JSON/);
    expect(bad.code).toBe(0);
    expect(JSON.parse(bad.stdout).summary).toMatchObject({ ran: 2, brokenLines: 1 });
    const noRun = await runCli([...base, '--cases', join(dir, 'cases.jsonl'), '--run', join(dir, 'flags.yaml')]);
    expect(noRun.code).toBe(1);
    expect(noRun.stderr).toMatch(/--run .*flags\.yaml: cannot load the module/);
    const unknown = await runCli([...base.slice(0, 3), 'nope', '--cases', join(dir, 'cases.jsonl'), '--run', join(dir, 'eval.mjs')]);
    expect(unknown.stderr).toMatch(/no flag 'nope'/);
  });

  it('streams the cases file: the first 10 broken lines and a count, no cases named with the first broken one, a duplicate id refused', async () => {
    const dir = project();
    const base = ['--flags', join(dir, 'flags.yaml'), 'replay', 'chat-model', '--run', join(dir, 'eval.mjs'), '--json', '--cases'];
    writeFileSync(join(dir, 'many-bad.jsonl'), `${Array.from({ length: 12 }, (_, i) => `bad ${i}`).join('\n')}\n{"id": "q1", "input": "question 1"}\n`);
    const many = await runCli([...base, join(dir, 'many-bad.jsonl')]);
    expect(many.code).toBe(0);
    expect(many.stderr.match(/skipped .*many-bad\.jsonl:\d+: not JSON/g)).toHaveLength(10);
    expect(many.stderr).toContain('aiflags: skipped 2 more broken lines');
    expect(JSON.parse(many.stdout).summary).toMatchObject({ ran: 2, brokenLines: 12 });
    writeFileSync(join(dir, 'none.jsonl'), 'nope\n[1]\n');
    const none = await runCli([...base, join(dir, 'none.jsonl')]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/none\.jsonl: no cases \(2 broken lines, the first: .*none\.jsonl:1: not JSON/);
    writeFileSync(join(dir, 'twice.jsonl'), '{"id": "a", "input": 1}\n{"id": "a", "input": 2}\n');
    const twice = await runCli([...base, join(dir, 'twice.jsonl')]);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/twice\.jsonl:2: case id 'a' is used twice/);
  });

  it('a replay killed with SIGKILL resumes: every finished run is kept once, only the one in flight runs again', async () => {
    const dir = project();
    writeFileSync(
      join(dir, 'slow.mjs'),
      `import { run as fast } from './eval.mjs';\nexport async function run(v, c) { await new Promise((r) => setTimeout(r, 15)); return fast(v, c); }\n`,
    );
    const args = replayCliArgs(dir, 'slow.mjs', '--concurrency', '1');
    const child = startCli(args);
    const started = Date.now();
    while (!existsSync(join(dir, 'calls.log')) || calls(dir) < 20) {
      if (Date.now() - started > 30_000) throw new Error('the replay never got going');
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const before = calls(dir);
    expect(before).toBeLessThan(80);
    const rest = await runCli([...args, '--json']);
    expect(rest.code).toBe(0);
    const kept = readFileSync(join(dir, '.aiflags', 'replay', 'chat-model.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { caseId: string; variant: string });
    const keys = kept.map((r) => `${r.caseId}/${r.variant}`);
    expect(new Set(keys).size).toBe(80);
    expect(keys.length).toBe(80);
    expect(calls(dir)).toBeLessThanOrEqual(81);
  });
});
