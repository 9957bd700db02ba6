import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/run-cli.js';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'check');

describe('aiflags check', { timeout: 120_000 }, () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aiflags-cli-check-'));
    await cp(FIXTURE, dir, { recursive: true });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a typo in the code exits 1 naming file:line:column and the closest key; a wrong type too; stale flags are listed', async () => {
    const r = await runCli(['check', 'src'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')).toEqual([
      "src/app.ts:5:36: guard('ai_agent_enabld'): no kill switch or flag 'ai_agent_enabld' in ./flags.yaml; did you mean 'ai_agent_enabled'?",
      "src/app.ts:9:33: model('new_system_prompt'): 'new_system_prompt' is a flag with boolean values in ./flags.yaml; model() reads object values",
      'not read by any checked code (stale?): legacy_flag, ai_agent_enabled',
      '1 call has a computed key and was not checked (first: src/app.ts:11:23 variant)',
      './flags.yaml: 4 keys used in 2 files, 2 problems, 2 not read — FAILED',
      '',
    ]);
  });

  it('--json gives the problems with file, line and did you mean, and the stale keys', async () => {
    const r = await runCli(['check', 'src', '--json'], { cwd: dir });
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ flags: './flags.yaml', files: 2, keysUsed: 4, stale: ['legacy_flag', 'ai_agent_enabled'] });
    expect(out.problems[0]).toMatchObject({
      key: 'ai_agent_enabld',
      call: 'guard',
      file: 'src/app.ts',
      line: 5,
      problem: 'missing',
      didYouMean: 'ai_agent_enabled',
    });
    expect(out.problems[1]).toMatchObject({ key: 'new_system_prompt', problem: 'wrong-type' });
  });

  it('clean code exits 0 and still lists the stale flags; JavaScript is read too', async () => {
    await writeFile(join(dir, 'clean.mjs'), "await flags.guard('ai_agent_enabled', ctx);\nawait client.getObjectDetails('chat-model', {}, ctx);\n");
    const r = await runCli(['check', 'clean.mjs', 'src/lib'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'not read by any checked code (stale?): system-prompt, legacy_flag\n./flags.yaml: 3 keys used in 2 files, 0 problems, 2 not read — OK\n',
    );
  });

  it('a missing source path exits 1 with one line', async () => {
    const r = await runCli(['check', 'nowhere'], { cwd: dir });
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: 'nowhere: no such file or directory\n' });
  });
});
