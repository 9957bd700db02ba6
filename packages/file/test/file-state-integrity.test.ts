import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LiveState } from '@aiflags/core';
import { FileStateStore } from '../src/index.js';

/** Replaces state.json whole, as a broken tool that still renames would. */
async function corrupt(stateDir: string, text = '{"version": 3, "flags": '): Promise<void> {
  await writeFile(join(stateDir, 'bad.tmp'), text);
  await rename(join(stateDir, 'bad.tmp'), join(stateDir, 'state.json'));
}

const onDisk = async (stateDir: string) => JSON.parse(await readFile(join(stateDir, 'state.json'), 'utf8')) as LiveState;

describe('FileStateStore keeps state and audit log consistent', () => {
  let dir: string;
  let stateDir: string;
  const stores: FileStateStore[] = [];
  const errors: string[] = [];
  const open = async () => {
    const store = new FileStateStore(stateDir, { logError: (m) => errors.push(m) });
    stores.push(store);
    await store.start();
    return store;
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aiflags-integrity-'));
    stateDir = join(dir, '.aiflags');
    errors.length = 0;
  });
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
    await rm(dir, { recursive: true, force: true });
  });

  it('a fresh writer (the CLI) refuses to write over a corrupt state.json, so a kill made before stays in force', async () => {
    const app = await open();
    await app.setKillSwitch('s0', true, { reason: 'incident' });
    await corrupt(stateDir);
    const cli = await open(); // started after the corruption: it never saw s0 killed
    await expect(cli.setKillSwitch('s1', true)).rejects.toMatchObject({
      code: 'STATE_UNREADABLE',
      file: join(stateDir, 'state.json'),
      message: expect.stringMatching(/state\.json is unreadable .*refusing to write over it.*aiflags state repair.*state\.last-good\.json \(version 1\)/),
    });
    expect(await readFile(join(stateDir, 'state.json'), 'utf8')).toBe('{"version": 3, "flags": ');
    expect((await app.audit.list()).map((e) => e.action)).toEqual(['kill']);
    expect(app.current().killSwitches.s0?.killed).toBe(true);
  });

  it('repair restores the last good copy, keeps the corrupt file, is audited, and the next write keeps every kill', async () => {
    const app = await open();
    await app.setKillSwitch('s0', true);
    await corrupt(stateDir);
    const cli = await open();
    const repaired = await cli.repair();
    expect(repaired.source).toBe('last-good');
    expect(repaired.state.killSwitches.s0?.killed).toBe(true);
    expect(repaired.state.version).toBe(2);
    expect(await readFile(repaired.keptAs!, 'utf8')).toBe('{"version": 3, "flags": ');
    const after = await cli.setKillSwitch('s1', true);
    expect(after.killSwitches).toMatchObject({ s0: { killed: true }, s1: { killed: true } });
    expect((await cli.audit.list()).map((e) => e.action)).toEqual(['kill', 'repair', 'kill']);
  });

  it('repair rebuilds the state from the audit log when the last good copy is gone too', async () => {
    const app = await open();
    await app.setKillSwitch('s0', true);
    await app.setFlagOverride('chat-model', { percentage: 10 });
    await app.setKillSwitch('s2', true);
    await app.setKillSwitch('s2', false);
    await app.setFlagOverride('old-flag', { enabled: false });
    await app.setFlagOverride('old-flag', null);
    await rm(join(stateDir, 'state.last-good.json'));
    await corrupt(stateDir);
    const cli = await open();
    const repaired = await cli.repair();
    expect(repaired.source).toBe('audit-log');
    const { version: _v, ...rebuilt } = repaired.state;
    const { version: _w, ...before } = app.current();
    expect(rebuilt).toEqual(before);
    expect((await onDisk(stateDir)).killSwitches.s0?.killed).toBe(true);
  });

  it('repair of a readable state.json changes nothing', async () => {
    const store = await open();
    await store.setKillSwitch('s0', true);
    expect(await store.repair()).toMatchObject({ source: 'none', state: { version: 1 } });
    expect(await store.audit.list()).toHaveLength(1);
  });

  it('a kill whose audit entry cannot be written (audit.jsonl a directory) is not applied, and says so', async () => {
    const store = await open();
    await store.setKillSwitch('s0', true);
    await rm(join(stateDir, 'audit.jsonl'));
    await mkdir(join(stateDir, 'audit.jsonl'));
    await expect(store.setKillSwitch('s1', true)).rejects.toMatchObject({
      code: 'AUDIT_WRITE_FAILED',
      file: join(stateDir, 'audit.jsonl'),
      message: expect.stringMatching(/EISDIR.*the change to 's1' was NOT applied/),
    });
    expect(await onDisk(stateDir)).toMatchObject({ version: 1, killSwitches: { s0: { killed: true } } });
    expect((await onDisk(stateDir)).killSwitches.s1).toBeUndefined();
    expect(store.current().killSwitches.s1).toBeUndefined();
    expect((await readdir(stateDir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('a kill whose state cannot be committed (state.json a directory) is cancelled in the audit log, and says so', async () => {
    const store = await open();
    await mkdir(join(stateDir, 'state.json'));
    await expect(store.setKillSwitch('s1', true)).rejects.toMatchObject({
      code: 'STATE_COMMIT_FAILED',
      message: expect.stringMatching(/the change to 's1' was NOT applied; the audit entry .* is cancelled by a 'revert-failed-write' entry/),
    });
    const entries = await store.audit.list();
    expect(entries.map((e) => e.action)).toEqual(['revert-failed-write', 'kill']);
    expect(entries[0]!.after).toBeNull();
    expect(store.current().killSwitches.s1).toBeUndefined();
  });

  it('temp files left by a writer killed mid-write are removed by the next write', async () => {
    const store = await open();
    await writeFile(join(stateDir, '.state.json.4242.deadbeef.tmp'), '{"version": 9');
    await store.setKillSwitch('s0', true);
    expect((await readdir(stateDir)).sort()).toEqual(['audit.jsonl', 'state.json', 'state.last-good.json']);
  });
});
