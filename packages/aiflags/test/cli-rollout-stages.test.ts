import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { modelSwapYaml } from '../../../test/support/sample-flags.js';
import { runCli } from './cli-ai-run.js';

/** A model swap served to nobody: its plan begins with a replay stage, then shadow, then 1 %. */
const FLAGS = modelSwapYaml(0);

describe('aiflags rollout: evidence stages from the CLI', () => {
  let flagsPath: string;

  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aiflags-stages-cli-'));
    flagsPath = join(dir, 'flags.yaml');
    await writeFile(flagsPath, FLAGS);
  });

  it('status names the replay stage and what it lacks; run holds at 0 %; skipping needs a reason and is audited', { timeout: 180_000 }, async () => {
    const run = await runCli(['--flags', flagsPath, 'rollout', 'run', '--once']);
    expect(run.code, run.stderr).toBe(0);

    const status = await runCli(['--flags', flagsPath, 'rollout', 'status', 'chat-model']);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/replay/);
    expect(status.stdout).toMatch(/0 of 200 cases/);
    expect(status.stdout).toMatch(/aiflags replay chat-model --cases/);

    const held = await runCli(['--flags', flagsPath, 'rollout', 'run', '--once', '--json']);
    expect(held.code, held.stderr).toBe(0);
    const action = JSON.parse(held.stdout.trim().split('\n')[0]!);
    expect(action).toMatchObject({ flagKey: 'chat-model', action: 'hold', to: 0, stage: 'replay' });

    const refused = await runCli(['--flags', flagsPath, 'rollout', 'run', '--once', '--skip-stage', 'replay']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/needs --reason/);

    const skipped = await runCli([
      '--flags',
      flagsPath,
      'rollout',
      'run',
      '--once',
      '--skip-stage',
      'replay',
      '--reason',
      'replayed on staging',
      '--actor',
      'alice',
    ]);
    expect(skipped.code, skipped.stderr).toBe(0);
    const audit = await runCli(['--flags', flagsPath, 'audit', '--json']);
    expect(audit.code, audit.stderr).toBe(0);
    const entries = audit.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const skip = entries.find((e) => e.action === 'rollout-skip');
    expect(skip).toMatchObject({ actor: 'alice', target: 'chat-model' });
    expect(skip.reason).toMatch(/skipped the replay stage: replayed on staging/);

    const text = await runCli(['--flags', flagsPath, 'rollout', 'status', 'chat-model']);
    expect(text.stdout).toMatch(/\n {2}replay: skipped \(who and why: aiflags audit\)\n/);
    expect(text.stdout).toMatch(/\n {2}plan \[shadow\] → 1 % → 5 %/);

    const after = await runCli(['--flags', flagsPath, 'rollout', 'status', 'chat-model', '--json']);
    const progress = JSON.parse(after.stdout.trim().split('\n')[0]!);
    expect(progress).toMatchObject({ flagKey: 'chat-model', stage: 'shadow', percentage: 0, skippedStages: ['replay'] });
  });
});
