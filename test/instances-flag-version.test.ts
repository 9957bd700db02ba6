/**
 * `aiflags instances` shows which instances serve an older version of the flags (issue 13, part 7): a
 * running provider whose hot reload was rejected keeps its last good flags, and says so in its presence record.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpenFeature, ProviderEvents } from '@openfeature/server-sdk';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalProvider } from '@aiflags/provider';
import { FilePresenceStore, FileStateStore } from '@aiflags/file';
import { FLAGS } from './support/delivery-fixtures.js';
import { runCli } from './support/run-cli.js';

describe('aiflags instances and the flag version each instance serves', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aiflags-instances-'));
  const file = join(dir, 'flags.yaml');
  writeFileSync(file, FLAGS);
  afterAll(async () => {
    await OpenFeature.clearProviders();
    rmSync(dir, { recursive: true, force: true });
  });

  it('current, then marked when the file on disk was rejected on reload, then older once the file moves on', { timeout: 60_000 }, async () => {
    const stateDir = join(dir, '.aiflags');
    const state = new FileStateStore(stateDir);
    const provider = new LocalProvider({
      file,
      state,
      watch: { pollMs: 50, debounceMs: 10, settleMs: 0 },
      presence: { store: new FilePresenceStore(stateDir), app: 'web-1' },
      dispose: () => state.close(),
    });
    await OpenFeature.setProviderAndWait('instances-flag-version', provider);
    const env = { REDIS_URL: '' };
    const view = async () =>
      JSON.parse((await runCli(['instances', '--flags', file, '--json'], { env })).stdout) as {
        flagsVersion: string;
        instances: Array<{ app: string; flags: string; flagsVersion: string }>;
      };

    const first = await view();
    expect(first.instances).toMatchObject([{ app: 'web-1', flags: 'current', flagsVersion: first.flagsVersion }]);

    const rejected = new Promise((resolve) => provider.events.addHandler(ProviderEvents.Error, resolve));
    writeFileSync(file, FLAGS.replace('defaultVariant: control', 'defaultVariant: nope'));
    await rejected;
    await new Promise((r) => setTimeout(r, 100)); // the announcement is written right after the event
    const second = await view();
    expect(second.flagsVersion).not.toBe(first.flagsVersion);
    expect(second.instances).toMatchObject([{ app: 'web-1', flags: 'rejected-reload', flagsVersion: first.flagsVersion }]);
    const text = await runCli(['instances', '--flags', file], { env });
    expect(text.stdout).toContain('REJECTED');

    // A later edit the provider has not loaded (here: the provider is gone from the watch) shows as older.
    provider['watcher']?.close();
    writeFileSync(file, FLAGS.replace('gpt-4o-mini', 'gpt-4.1-mini'));
    const third = await view();
    expect(third.instances).toMatchObject([{ app: 'web-1', flags: 'older', flagsVersion: first.flagsVersion }]);
  });
});
