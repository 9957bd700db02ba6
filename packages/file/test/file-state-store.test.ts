import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LiveState } from '@aiflags/core';
import { FileStateStore } from '../src/index.js';

/** Resolves with the first state a store reports that satisfies `test`, or rejects after `ms`. */
function waitForState(store: FileStateStore, test: (state: LiveState) => boolean, ms = 1000): Promise<{ state: LiveState; changed: string[] }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no matching state within ${ms} ms`));
    }, ms);
    const off = store.onChange((state, changed) => {
      if (!test(state)) return;
      clearTimeout(timer);
      off();
      resolve({ state, changed });
    });
  });
}

describe('FileStateStore', () => {
  let dir: string;
  const stores: FileStateStore[] = [];
  const open = async (options = {}) => {
    const store = new FileStateStore(join(dir, '.aiflags'), options);
    stores.push(store);
    await store.start();
    return store;
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aiflags-state-'));
  });
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
    await rm(dir, { recursive: true, force: true });
  });

  it('starts empty when no state file exists', async () => {
    const store = await open();
    expect(store.current()).toEqual({ version: 0, flags: {}, killSwitches: {} });
  });

  it('a kill made through one store reaches another store on the same directory within a second', async () => {
    const writer = await open();
    const reader = await open();
    const seen = waitForState(reader, (s) => s.killSwitches.ai_agent_enabled?.killed === true);
    await writer.setKillSwitch('ai_agent_enabled', true, { reason: 'incident 42', actor: 'alice', retryAfter: 120 });
    const { state, changed } = await seen;
    expect(changed).toEqual(['ai_agent_enabled']);
    expect(state.version).toBe(1);
    expect(state.killSwitches.ai_agent_enabled).toMatchObject({ killed: true, reason: 'incident 42', actor: 'alice', retryAfter: 120 });
  });

  it('polling alone (no fs.watch event) still delivers a change within a second', async () => {
    const reader = await open({ pollMs: 200 });
    const seen = waitForState(reader, (s) => s.flags['chat-model']?.percentage === 25);
    // Another process writing the file by hand (atomic rename of a temp file), not through a store.
    const next: LiveState = { version: 7, flags: { 'chat-model': { percentage: 25 } }, killSwitches: {} };
    await writeFile(join(dir, '.aiflags', 'tmp'), JSON.stringify(next));
    await rename(join(dir, '.aiflags', 'tmp'), join(dir, '.aiflags', 'state.json'));
    expect((await seen).state.version).toBe(7);
  });

  it('concurrent writers through two stores lose no update', async () => {
    const a = await open();
    const b = await open();
    const writes: Promise<LiveState>[] = [];
    for (let i = 0; i < 40; i++) {
      writes.push(a.setFlagOverride(`flag-a-${i}`, { percentage: i }));
      writes.push(b.setFlagOverride(`flag-b-${i}`, { percentage: i }));
    }
    await Promise.all(writes);
    const onDisk = JSON.parse(await readFile(join(dir, '.aiflags', 'state.json'), 'utf8')) as LiveState;
    expect(onDisk.version).toBe(80);
    expect(Object.keys(onDisk.flags)).toHaveLength(80);
    expect(await a.audit.list()).toHaveLength(80);
  });

  it('records who, when, what and why in the audit log, newest first', async () => {
    const store = await open();
    await store.setKillSwitch('web_search_enabled', true, { reason: 'provider outage', actor: 'bob' });
    await store.setKillSwitch('web_search_enabled', false, { actor: 'bob' });
    await store.setFlagOverride('chat-model', { percentage: 10 }, { reason: 'step 2' });
    const entries = await store.audit.list();
    expect(entries.map((e) => e.action)).toEqual(['set-percentage', 'revive', 'kill']);
    expect(entries[2]).toMatchObject({ actor: 'bob', target: 'web_search_enabled', before: null, reason: 'provider outage' });
    expect(entries[2]!.after).toMatchObject({ killed: true });
    expect(entries[0]!.actor).toBe(process.env.USER ?? entries[0]!.actor);
    expect(Date.parse(entries[0]!.at)).not.toBeNaN();
    expect(await store.audit.list({ target: 'chat-model' })).toHaveLength(1);
  });

  it.each([
    ['not JSON', '{"version": 3, "flags": '],
    ['wrong shape', '{"version": "three", "flags": {}, "killSwitches": {}}'],
    ['a switch without killed', '{"version": 3, "flags": {}, "killSwitches": {"x": {}}}'],
    ['a percentage over 100', '{"version": 3, "flags": {"f": {"percentage": 250}}, "killSwitches": {}}'],
  ])('rejects a corrupted state file (%s), logs it and keeps the last good state', async (_name, text) => {
    const errors: string[] = [];
    const store = await open({ logError: (m: string) => errors.push(m) });
    await store.setKillSwitch('ai_agent_enabled', true);
    // Replaced whole (as by a broken tool that still renames), so exactly one bad version is seen.
    await writeFile(join(dir, '.aiflags', 'bad.tmp'), text);
    await rename(join(dir, '.aiflags', 'bad.tmp'), join(dir, '.aiflags', 'state.json'));
    await new Promise((r) => setTimeout(r, 600));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('state.json');
    expect(store.current().killSwitches.ai_agent_enabled?.killed).toBe(true);
    // The next write starts from the last good state, not from the corrupted file.
    const after = await store.setKillSwitch('other', true);
    expect(after.version).toBe(2);
    expect(after.killSwitches.ai_agent_enabled?.killed).toBe(true);
  });

  it('breaks a lock left by a crashed process', async () => {
    const store = await open({ lock: { staleMs: 200 } });
    await writeFile(join(dir, '.aiflags', 'state.lock'), JSON.stringify({ pid: 999_999_999, at: new Date().toISOString() }));
    const state = await store.setKillSwitch('ai_agent_enabled', true);
    expect(state.version).toBe(1);
  });
});

describe('FileStateStore across real processes', () => {
  it('three processes writing at once lose no update, and a watching store sees the last one', async () => {
    const { spawn } = await import('node:child_process');
    const dir = await mkdtemp(join(tmpdir(), 'aiflags-state-procs-'));
    const stateDir = join(dir, '.aiflags');
    const watcher = new FileStateStore(stateDir);
    await watcher.start();
    try {
      const script = join(import.meta.dirname, 'fixtures', 'state-writer.ts');
      const run = (prefix: string) =>
        new Promise<void>((resolve, reject) => {
          const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', script, stateDir, prefix, '25'], {
            stdio: ['ignore', 'ignore', 'pipe'],
          });
          let stderr = '';
          child.stderr.on('data', (d) => (stderr += d));
          child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`writer ${prefix} exited ${code}: ${stderr}`))));
        });
      await Promise.all([run('p1'), run('p2'), run('p3')]);
      const deadline = Date.now() + 1000;
      while (watcher.current().version < 75 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(watcher.current().version).toBe(75);
      expect(Object.keys(watcher.current().flags)).toHaveLength(75);
      expect(await watcher.audit.list()).toHaveLength(75);
    } finally {
      await watcher.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
