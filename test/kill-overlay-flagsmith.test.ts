/**
 * `aiflags kill` on AIFLAGS_BACKEND=flagsmith: the app (a real process, test/support/flag-app.ts) runs the
 * real flagsmith-nodejs SDK over an exported environment document (no network), under aiflags' live-state overlay on the
 * file store. The kill reaches its guard, the CLI waits for its confirmation and says which layer it changed.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InstanceRecord } from '@aiflags/core';
import { parseFlags } from '@aiflags/core';
import { exportToFlagsmith } from '@aiflags/flagsmith';
import { DENIED, FLAGS, flagsFile, type KillJson } from './support/delivery-fixtures.js';
import { startApps, type FlagApp } from './support/flag-app-fleet.js';
import { runCli } from './support/run-cli.js';

describe('aiflags kill on the Flagsmith backend (the live-state overlay)', () => {
  const { dir, file } = flagsFile();
  const dataFile = join(dir, 'flagsmith.json');
  const env = { AIFLAGS_BACKEND: 'flagsmith', FLAGSMITH_ENVIRONMENT_FILE: dataFile, REDIS_URL: '' };
  let app: FlagApp | undefined;

  beforeAll(async () => {
    const { data, problems } = exportToFlagsmith(parseFlags(FLAGS, file));
    expect(problems).toEqual([]);
    writeFileSync(dataFile, JSON.stringify(data));
    [app] = await startApps(1, { ...env, AIFLAGS_FLAGS: file, HEARTBEAT_MS: '1000' }, 'fs-app');
  }, 60_000);
  afterAll(async () => {
    await app?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('Flagsmith says on; the kill through the overlay turns the guard off, confirmed by the app; revive hands it back', { timeout: 60_000 }, async () => {
    if (!app) throw new Error('the app did not start');
    expect(await app.guard('ai_agent_enabled')).toBeNull();
    const listed = JSON.parse((await runCli(['instances', '--flags', file, '--json'], { env })).stdout) as { instances: InstanceRecord[] };
    expect(listed.instances).toMatchObject([{ pid: app.pid, layer: 'overlay', backend: 'flagsmith', app: 'fs-app-0' }]);

    const kill = await runCli(['kill', 'ai_agent_enabled', '--flags', file, '--json'], { env });
    expect(kill.stderr).toBe('');
    expect(kill.code).toBe(0);
    const json = JSON.parse(kill.stdout) as KillJson;
    expect(json.layer).toBe('aiflags live-state overlay over flagsmith');
    expect(json.instances).toMatchObject({ confirmed: 1, total: 1, missing: [] });
    expect(await app.guard('ai_agent_enabled')).toEqual(DENIED);

    const revive = await runCli(['revive', 'ai_agent_enabled', '--flags', file], { env });
    expect(revive.code).toBe(0);
    expect(revive.stdout).toContain('applied by 1 of 1 instance');
    // Back to Flagsmith's own answer (on).
    expect(await app.guard('ai_agent_enabled')).toBeNull();
  });
});
