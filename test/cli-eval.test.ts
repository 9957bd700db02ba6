import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluate, parseFlags } from '@aiflags/core';
import { FileStateStore } from '@aiflags/file';
import { runCli } from './support/run-cli.js';
import { SAMPLE_FLAGS_YAML } from './support/sample-flags.js';

describe('aiflags eval', { timeout: 120_000 }, () => {
  let dir: string;
  const set = parseFlags(SAMPLE_FLAGS_YAML, 'flags.yaml');
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aiflags-cli-eval-'));
    await writeFile(join(dir, 'flags.yaml'), SAMPLE_FLAGS_YAML);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints {user, value, variant, reason} for one user, with typed and nested attributes', async () => {
    const r = await runCli(['eval', 'flags.yaml', '--flag', 'temperature', '--user', 'u1', '--attr', 'age=42'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ user: 'u1', value: 0.9, variant: 'high', reason: 'TARGETING_MATCH' });

    const staff = await runCli(['eval', 'flags.yaml', '--flag', 'chat-model', '--user', 'u1', '--attr', 'email=dev@acme.com'], { cwd: dir });
    expect(JSON.parse(staff.stdout)).toMatchObject({ variant: 'treatment', reason: 'TARGETING_MATCH' });
  });

  it('evaluates kill switches like flags', async () => {
    const r = await runCli(['eval', 'flags.yaml', '--flag', 'ai_agent_enabled', '--user', 'u1'], { cwd: dir });
    expect(JSON.parse(r.stdout)).toEqual({ user: 'u1', value: true, variant: 'on', reason: 'STATIC' });
  });

  it('--users-file over 10,000 users prints one line per user, identical to evaluate() in process', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 10_000; i++) {
      lines.push(i % 2 === 0 ? `user-${i}` : JSON.stringify({ targetingKey: `user-${i}`, email: i % 3 === 0 ? `u${i}@acme.com` : `u${i}@example.com` }));
    }
    await writeFile(join(dir, 'users.txt'), `${lines.join('\n')}\n\n`);
    const r = await runCli(['eval', 'flags.yaml', '--flag', 'chat-model', '--users-file', 'users.txt'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { user: string; variant: string; reason: string });
    expect(out).toHaveLength(10_000);
    for (let i = 0; i < 10_000; i += 97) {
      const ctx = i % 2 === 0 ? { targetingKey: `user-${i}` } : (JSON.parse(lines[i]!) as { targetingKey: string });
      const expected = evaluate(set, 'chat-model', ctx);
      expect(out[i]).toMatchObject({ user: `user-${i}`, variant: expected.variant, reason: expected.reason });
    }
    // Staff (a third of the odd lines) match the rule; of the rest, about 10 % get the rollout.
    const staff = out.filter((o) => o.reason === 'TARGETING_MATCH').length;
    expect(staff).toBe(1667);
    const rolledOut = out.filter((o) => o.reason !== 'TARGETING_MATCH' && o.variant === 'treatment').length / (10_000 - staff);
    expect(rolledOut).toBeGreaterThan(0.08);
    expect(rolledOut).toBeLessThan(0.12);
  });

  it('--live overlays the live state in .aiflags/ beside the file (a killed switch is off)', async () => {
    const store = new FileStateStore(join(dir, '.aiflags'));
    await store.setKillSwitch('ai_agent_enabled', true, { reason: 'incident' });
    await store.close();
    const env = { REDIS_URL: '' };
    const live = await runCli(['eval', 'flags.yaml', '--flag', 'ai_agent_enabled', '--user', 'u1', '--live'], { cwd: dir, env });
    expect(live.stderr).toBe('');
    expect(JSON.parse(live.stdout)).toEqual({ user: 'u1', value: false, variant: 'killed', reason: 'DISABLED' });
    const fileOnly = await runCli(['eval', 'flags.yaml', '--flag', 'ai_agent_enabled', '--user', 'u1'], { cwd: dir, env });
    expect(JSON.parse(fileOnly.stdout)).toMatchObject({ value: true, reason: 'STATIC' });
  });

  it('without a file argument: --flags, else AIFLAGS_FLAGS', async () => {
    const viaOption = await runCli(['--flags', 'flags.yaml', 'eval', '--flag', 'temperature', '--user', 'u1'], { cwd: dir });
    expect(JSON.parse(viaOption.stdout)).toMatchObject({ user: 'u1', value: 0.2 });
    const viaEnv = await runCli(['validate'], { cwd: dir, env: { AIFLAGS_FLAGS: 'flags.yaml' } });
    expect(viaEnv.stdout).toBe('flags.yaml: 4 flags, 1 segment, 1 kill switch — OK\n');
  });

  it.each([
    ['an unknown flag', ['eval', 'flags.yaml', '--flag', 'nope', '--user', 'u'], "flags.yaml: no flag or kill switch named 'nope'"],
    ['no user', ['eval', 'flags.yaml', '--flag', 'chat-model'], 'eval: give --user <id> or --users-file <file>'],
    ['a bad --attr', ['eval', 'flags.yaml', '--flag', 'chat-model', '--user', 'u', '--attr', 'novalue'], '--attr novalue: expected key=value'],
    ['a missing users file', ['eval', 'flags.yaml', '--flag', 'chat-model', '--users-file', 'none.txt'], 'none.txt: file not found'],
  ])('%s: exit 1 with one line', async (_name, args, line) => {
    const r = await runCli(args, { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`${line}\n`);
  });

  it('a users file line that is neither an id nor JSON names the file and line', async () => {
    await writeFile(join(dir, 'bad-users.txt'), 'user-1\n{"targetingKey": \n');
    const r = await runCli(['eval', 'flags.yaml', '--flag', 'chat-model', '--users-file', 'bad-users.txt'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toMatch(/^bad-users\.txt:2: not a user id or a JSON object/);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});
