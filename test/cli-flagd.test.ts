import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FlagdCore } from '@openfeature/flagd-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/run-cli.js';

const FLAGD = {
  $schema: 'https://flagd.dev/schema/v0/flags.json',
  flags: {
    'chat-model': {
      state: 'ENABLED',
      variants: { control: 'gpt-4o', treatment: 'claude' },
      defaultVariant: 'control',
      targeting: {
        if: [
          { $ref: 'staff' },
          'treatment',
          {
            fractional: [
              ['treatment', 5],
              ['control', 95],
            ],
          },
        ],
      },
      metadata: { owner: 'ml-platform' },
    },
  },
  $evaluators: { staff: { ends_with: [{ var: 'email' }, '@acme.com'] } },
  metadata: { flagSetId: 'chat' },
};

describe('aiflags import --from flagd / export --to flagd', { timeout: 120_000 }, () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aiflags-cli-flagd-'));
    await writeFile(join(dir, 'flags.json'), JSON.stringify(FLAGD));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('imports to YAML that validates, exports back to a file flagd-core loads and evaluates the same', async () => {
    const imported = await runCli(['import', '--from', 'flagd', 'flags.json', '--out', 'flags.yaml'], { cwd: dir });
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(await readFile(join(dir, 'flags.yaml'), 'utf8')).toContain('hash: flagd');
    expect((await runCli(['validate', 'flags.yaml'], { cwd: dir })).code).toBe(0);

    const exported = await runCli(['export', 'flags.yaml', '--to', 'flagd', '--out', 'back.json'], { cwd: dir });
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    const core = new FlagdCore();
    core.setConfigurations(await readFile(join(dir, 'back.json'), 'utf8'));
    const original = new FlagdCore();
    original.setConfigurations(JSON.stringify(FLAGD));
    for (let i = 0; i < 2000; i++) {
      const ctx = { targetingKey: `user-${i}`, email: i % 10 === 0 ? `u${i}@acme.com` : `u${i}@mail.com` };
      expect(core.resolveStringEvaluation('chat-model', '?', ctx).value).toBe(original.resolveStringEvaluation('chat-model', '?', ctx).value);
    }
    expect(core.resolveStringEvaluation('chat-model', '?', {}).flagMetadata).toMatchObject({ owner: 'ml-platform' });
  });

  it('eval reads a .flagd.json file directly', async () => {
    await copyFile(join(dir, 'flags.json'), join(dir, 'chat.flagd.json'));
    const r = await runCli(['eval', 'chat.flagd.json', '--flag', 'chat-model', '--user', 'u1', '--attr', 'email=a@acme.com'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('claude');
  });

  it('refuses what aiflags cannot express, naming file, flag and field', async () => {
    const bad = { flags: { f: { state: 'ENABLED', variants: { a: 'A' }, defaultVariant: 'a', targeting: { if: [{ some: [[1], { var: '' }] }, 'a', null] } } } };
    await writeFile(join(dir, 'bad.json'), JSON.stringify(bad));
    const r = await runCli(['import', '--from', 'flagd', 'bad.json'], { cwd: dir });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("bad.json: flag 'f', field 'targeting.if[0].some': the JSON Logic operator 'some' has no aiflags equivalent");
  });

  it('export --to flagd refuses a murmur3 rollout without --lossy', async () => {
    await writeFile(join(dir, 'murmur.yaml'), 'flags:\n  f: { enabled: true, percentage: 10 }\n');
    const r = await runCli(['export', 'murmur.yaml', '--to', 'flagd'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("flag 'f', field 'bucketing.hash'");
  });
});
