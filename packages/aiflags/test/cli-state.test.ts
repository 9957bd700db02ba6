import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LiveState } from '@aiflags/core';
import { runCli } from './cli-ai-run.js';

const FLAGS = `
flags:
  chat-model: { enabled: true, percentage: 5 }
killSwitches:
  s0: {}
  s1: {}
`;

describe('aiflags kill / revive / state repair when the live state is damaged', () => {
  let dir: string;
  let flagsPath: string;
  let stateDir: string;
  const stateOnDisk = async () => JSON.parse(await readFile(join(stateDir, 'state.json'), 'utf8')) as LiveState;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aiflags-cli-state-'));
    flagsPath = join(dir, 'flags.yaml');
    stateDir = join(dir, '.aiflags');
    await writeFile(flagsPath, FLAGS);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a kill over a corrupt state.json exits 1 naming the file and the repair; repair restores every kill', { timeout: 120_000 }, async () => {
    expect((await runCli(['kill', '--no-wait', 's0', '--flags', flagsPath])).code).toBe(0);
    await writeFile(join(stateDir, 'bad.tmp'), '{"version": 1, "killSwit');
    await rename(join(stateDir, 'bad.tmp'), join(stateDir, 'state.json'));

    const refused = await runCli(['kill', '--no-wait', 's1', '--flags', flagsPath]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${join(stateDir, 'state.json')} is unreadable`);
    expect(refused.stderr).toContain("Run 'aiflags state repair'");
    expect(await readFile(join(stateDir, 'state.json'), 'utf8')).toBe('{"version": 1, "killSwit');

    const repaired = await runCli(['state', 'repair', '--flags', flagsPath]);
    expect(repaired.code).toBe(0);
    expect(repaired.stdout).toMatch(/repaired .*state\.json from the last good copy .*state\.last-good\.json: version 2.*killed: s0/);
    expect(repaired.stdout).toContain('the unreadable file is kept as');

    expect((await runCli(['kill', '--no-wait', 's1', '--flags', flagsPath])).code).toBe(0);
    expect((await stateOnDisk()).killSwitches).toMatchObject({ s0: { killed: true }, s1: { killed: true } });
    const audit = await runCli(['audit', '--json', '--flags', flagsPath]);
    expect(
      audit.stdout
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { action: string }).action),
    ).toEqual(['kill', 'repair', 'kill']);
  });

  it('a kill whose audit entry cannot be written exits 1, says it was not applied, and leaves state.json as it was', { timeout: 120_000 }, async () => {
    expect((await runCli(['kill', '--no-wait', 's0', '--flags', flagsPath])).code).toBe(0);
    await rm(join(stateDir, 'audit.jsonl'));
    await mkdir(join(stateDir, 'audit.jsonl'));
    const failed = await runCli(['kill', '--no-wait', 's1', '--flags', flagsPath]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/audit\.jsonl: cannot append the audit entry \(EISDIR.*the change to 's1' was NOT applied/);
    expect((await stateOnDisk()).killSwitches.s1).toBeUndefined();
  });

  it('state repair on a readable state says there is nothing to repair', { timeout: 60_000 }, async () => {
    expect((await runCli(['kill', '--no-wait', 's0', '--flags', flagsPath])).code).toBe(0);
    const result = await runCli(['state', 'repair', '--flags', flagsPath]);
    expect(result).toMatchObject({ code: 0, stdout: expect.stringContaining('nothing to repair') });
  });
});
