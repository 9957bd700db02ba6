/**
 * `aiflags kill` confirms delivery on the file store, with 10 real processes (test/support/flag-app.ts:
 * createProvider() from the environment, as an app runs it): each reports the version it applied; a
 * corrupted presence record is ignored; a process killed without closing expires within 3 heartbeats.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InstanceRecord } from '@aiflags/core';
import { DENIED, flagsFile, type KillJson } from './support/delivery-fixtures.js';
import { startApps, type FlagApp } from './support/flag-app-fleet.js';
import { runCli } from './support/run-cli.js';

describe('on the file store: 10 processes', () => {
  const HEARTBEAT_MS = 300;
  const { dir, file } = flagsFile();
  const env = { REDIS_URL: '' };
  let apps: FlagApp[] = [];

  beforeAll(async () => {
    apps = await startApps(10, { AIFLAGS_FLAGS: file, REDIS_URL: '', HEARTBEAT_MS: String(HEARTBEAT_MS) }, 'file-app');
  }, 120_000);
  afterAll(async () => {
    await Promise.all(apps.map((a) => a.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('kill reports 10 of 10, and every process refuses; revive says it in words', { timeout: 60_000 }, async () => {
    const kill = await runCli(['kill', 'ai_agent_enabled', '--flags', file, '--json'], { env });
    expect(kill.stderr).toBe('');
    expect(kill.code).toBe(0);
    const json = JSON.parse(kill.stdout) as KillJson;
    expect(json).toMatchObject({ switch: 'ai_agent_enabled', killed: true, store: join(dir, '.aiflags', 'state.json') });
    expect(json.instances).toMatchObject({ confirmed: 10, total: 10, missing: [] });
    expect(json.instances!.slowestMs).toBeGreaterThanOrEqual(0);
    for (const app of apps) expect(await app.guard('ai_agent_enabled')).toEqual(DENIED);

    const revive = await runCli(['revive', 'ai_agent_enabled', '--flags', file], { env });
    expect(revive.code).toBe(0);
    expect(revive.stdout).toMatch(/\n {2}applied by 10 of 10 instances in [\d.]+ ms \(slowest: file-app-\d pid \d+\)\n$/);
    for (const app of apps) expect(await app.guard('ai_agent_enabled')).toBeNull();
  });

  it('a corrupted presence record is ignored: instances lists the others, kill still confirms', { timeout: 60_000 }, async () => {
    writeFileSync(join(dir, '.aiflags', 'instances', 'corrupt.json'), '{"id": "x", "pid": "not a number"');
    const listed = await runCli(['instances', '--flags', file, '--json'], { env });
    expect(listed.code).toBe(0);
    const view = JSON.parse(listed.stdout) as { skipped: number; instances: InstanceRecord[] };
    expect(view.skipped).toBe(1);
    expect(view.instances.map((i) => i.pid).sort()).toEqual(apps.map((a) => a.pid).sort());
    const kill = await runCli(['kill', 'ai_agent_enabled', '--flags', file, '--json'], { env });
    expect(kill.code).toBe(0);
    expect((JSON.parse(kill.stdout) as KillJson).instances).toMatchObject({ confirmed: 10, total: 10 });
    await runCli(['revive', 'ai_agent_enabled', '--flags', file, '--no-wait'], { env });
  });

  it('a process that closes cleanly removes its record at once', { timeout: 60_000 }, async () => {
    const leaving = apps.pop()!;
    await leaving.stop();
    const listed = JSON.parse((await runCli(['instances', '--flags', file, '--json'], { env })).stdout) as { instances: InstanceRecord[] };
    expect(listed.instances.map((i) => i.pid)).not.toContain(leaving.pid);
    expect(listed.instances).toHaveLength(9);
  });

  it('a process killed without closing expires within 3 heartbeats, and kill stops waiting for it', { timeout: 60_000 }, async () => {
    const dead = apps.pop()!;
    dead.child.kill('SIGKILL');
    await dead.exited;
    const killedAt = Date.now();
    let goneAfter = Infinity;
    while (Date.now() - killedAt < 10 * HEARTBEAT_MS) {
      const listed = JSON.parse((await runCli(['instances', '--flags', file, '--json'], { env })).stdout) as { instances: InstanceRecord[] };
      if (!listed.instances.some((i) => i.pid === dead.pid)) {
        goneAfter = Date.now() - killedAt;
        break;
      }
    }
    // Its last heartbeat was at most one interval before the kill: gone at most 3 intervals after that.
    expect(goneAfter).toBeLessThanOrEqual(3 * HEARTBEAT_MS + 2000 /* one CLI start, the check's granularity */);
    const kill = await runCli(['kill', 'ai_agent_enabled', '--flags', file, '--json'], { env });
    expect(kill.code).toBe(0);
    expect((JSON.parse(kill.stdout) as KillJson).instances).toMatchObject({ confirmed: 8, total: 8 });
  });
});
