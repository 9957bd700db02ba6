import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FileMetricStore } from '@aiflags/file';
import { seededRandom, simulateUnits } from '@aiflags/testing';
import { runCli, startCli } from './cli-ai-run.js';

const FLAGS = `
flags:
  chat-model:
    changeType: model-swap
    variants:
      control: { model: gpt-4o, provider: openai }
      treatment: { model: claude-sonnet-4, provider: anthropic }
    defaultVariant: control
    rollout: { variant: treatment, percentage: 5 }
  temperature:
    variants: { low: 0.2, high: 0.9 }
    defaultVariant: low
`;

describe('aiflags report and rollout', () => {
  let dir: string;
  let flagsPath: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aiflags-report-'));
    flagsPath = join(dir, 'flags.yaml');
    await writeFile(flagsPath, FLAGS);
    const store = new FileMetricStore({ dir: join(dir, '.aiflags'), flushIntervalMs: 0 });
    const behaviour = { quality: 4, latencyMs: 700, costUsd: 0.002, errorRate: 0.02 };
    simulateUnits(store, seededRandom(11), {
      flagKey: 'chat-model',
      units: 8_000,
      shares: { control: 0.95, treatment: 0.05 },
      behaviour: { control: behaviour, treatment: { ...behaviour, latencyMs: 760, costUsd: 0.0024 } },
      at: Date.now() - 3_600_000,
      unitPrefix: 'u',
    });
    await store.close();
  });

  it('prints the per-variant table, the deltas, the SRM check and a verdict', async () => {
    const r = await runCli(['--flags', flagsPath, 'report', 'chat-model']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = r.stdout;
    expect(out).toMatch(/^chat-model — control 'control'\n/);
    expect(out).toMatch(/variant +units +exposures +quality +p95 ms +cost\/req +errors\n/);
    expect(out).toMatch(/\ncontrol +7\d{3} +7\d{3} +[34]\.\d+ +\d+ +\$0\.002\d* +\d\.?\d* %\n/);
    expect(out).toMatch(/\ntreatment vs control\n {2}quality +[+−]?\d/);
    expect(out).toMatch(/\n {2}p95 latency +\+\d+ ms \(\+\d+(\.\d+)? %, 95 % CI /);
    expect(out).toMatch(/\nsample ratio: ok — units control \d+ \(expected 95 %\), treatment \d+ \(expected 5 %\), p = /);
    expect(out).toMatch(/\nverdict: (PROMOTE|CONTINUE)\n {2}- /);
  });

  it('--json gives the report and the verdict', async () => {
    const r = await runCli(['--flags', flagsPath, 'report', 'chat-model', '--json']);
    expect(r.code).toBe(0);
    const { report, verdict } = JSON.parse(r.stdout);
    expect(report.treatments[0].variant).toBe('treatment');
    expect(report.treatments[0].cost.relative).toBeGreaterThan(0.1);
    expect(report.srm.expected).toEqual([0.95, 0.05]);
    expect(['promote', 'continue']).toContain(verdict.decision);
  });

  it('rejects an unknown flag or control variant with one line', async () => {
    const a = await runCli(['--flags', flagsPath, 'report', 'nope']);
    expect(a.code).toBe(1);
    expect(a.stderr.trim().endsWith(`${flagsPath}: no flag 'nope'`)).toBe(true);
    expect(a.stderr.trim().split('\n')).toHaveLength(1);
    const b = await runCli(['--flags', flagsPath, 'report', 'chat-model', '--control', 'ctrl']);
    expect(b.code).toBe(1);
    expect(b.stderr).toMatch(/--control: flag 'chat-model' has no variant 'ctrl' \(variants: control, treatment\)/);
  });

  it('rollout status, run --once, status again, the audit entry it left, reset', { timeout: 180_000 }, async () => {
    const s1 = await runCli(['--flags', flagsPath, 'rollout', 'status']);
    expect(s1.code).toBe(0);
    expect(s1.stdout).toBe("chat-model  model-swap  not-started  5 % on 'treatment'\n  plan 1 % → 5 % → 25 % → 50 % → 100 %\n");

    const run = await runCli(['--flags', flagsPath, 'rollout', 'run', '--once']);
    expect(run.code).toBe(0);
    // A flag the file already serves at 5 % joins the plan at its 5 % step rather than being cut back.
    expect(run.stdout).toBe('chat-model: start (stays at 5 %)\n  - started the model-swap plan (1 % → 5 % → 25 % → 50 % → 100 %) at 5 %\n');

    const s2 = await runCli(['--flags', flagsPath, 'rollout', 'status', 'chat-model']);
    expect(s2.stdout).toMatch(/^chat-model {2}model-swap {2}running {2}5 % on 'treatment', hold 4\d(\.\d)? h left\n {2}plan 1 % → \[5 %\] → 25 %/);

    // The report now starts when the step started: nothing yet, and it says how to see the hours before.
    const fresh = await runCli(['--flags', flagsPath, 'report', 'chat-model']);
    expect(fresh.stdout).toMatch(
      /\nno exposures or outcomes recorded for this flag since \d{4}-\d\d-\d\d \d\d:\d\d UTC\n\(the rollout's current step started then; .* --since /,
    );
    // The header never shows a time in the future (it used to round the step's start up to the next hour).
    const shown = /since (\d{4}-\d\d-\d\d \d\d:\d\d) UTC/.exec(fresh.stdout)![1]!;
    expect(Date.parse(`${shown.replace(' ', 'T')}:00Z`)).toBeLessThanOrEqual(Date.now());
    const future = await runCli(['--flags', flagsPath, 'report', 'chat-model', '--since', '2999-01-01T00:00:00Z']);
    expect(future).toMatchObject({ code: 1, stderr: '--since: 2999-01-01T00:00:00.000Z is in the future\n' });
    const earlier = await runCli(['--flags', flagsPath, 'report', 'chat-model', '--since', '3h']);
    expect(earlier.stdout).toMatch(/\ntreatment vs control\n/);
    // Those hours ran before the step: no one set of expected shares fits them, so SRM is not checked, and says so.
    expect(earlier.stdout).toMatch(/\nsample ratio: not checked \(the window starts before .* UTC, when the rollout's current step changed the split\)\n/);
    expect(earlier.stdout).toMatch(/\nverdict: CONTINUE\n {2}- sample ratio: not checked/);

    const again = await runCli(['--flags', flagsPath, 'rollout', 'run', '--once', '--json']);
    const action = JSON.parse(again.stdout.trim());
    expect(action).toMatchObject({ flagKey: 'chat-model', action: 'hold', from: 5, to: 5 });
    expect(action.reasons[0]).toMatch(/^hold: 0 h of 48 h at 5 %/);

    const audit = await runCli(['--flags', flagsPath, 'audit', '--json']);
    const [entry] = audit.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(entry).toMatchObject({ actor: 'rollout-controller', action: 'rollout-start', target: 'chat-model' });
    expect(entry.after).toMatchObject({ percentage: 5, rolloutStep: 1, rolloutStatus: 'running' });

    const reset = await runCli(['--flags', flagsPath, 'rollout', 'reset', 'chat-model', '--reason', 'restart the plan']);
    expect(reset.stdout).toBe("reset chat-model: no live override, back to the file's 5 %\n");
    const s3 = await runCli(['--flags', flagsPath, 'rollout', 'status', 'chat-model']);
    expect(s3.stdout).toMatch(/^chat-model {2}model-swap {2}not-started {2}5 % on 'treatment'/);
  });

  it('rollout run keeps running between passes and stops cleanly on SIGINT', { timeout: 120_000 }, async () => {
    const child = startCli(['--flags', flagsPath, 'rollout', 'run', '--interval', '1']);
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Wait for the first pass, then two more intervals: the process must still be alive.
    const start = Date.now();
    while (!out.includes('chat-model:') && Date.now() - start < 60_000) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 2_500));
    expect(child.exitCode).toBeNull();
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(out).toMatch(/^chat-model: (start|hold) /);
  });
});
