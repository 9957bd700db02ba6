import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/run-cli.js';

/** Flags LaunchDarkly can express exactly: its own bucketing hash keeps every unit's variant. */
const PORTABLE = `
flags:
  chat-model:
    variants:
      control:   { model: gpt-4o }
      treatment: { model: claude-sonnet-4 }
    defaultVariant: control
    rollout: { variant: treatment, percentage: 5 }
    bucketing: { hash: launchdarkly }
  new_system_prompt: { enabled: true, percentage: 10, bucketing: { hash: launchdarkly } }
killSwitches:
  ai_agent_enabled: {}
`;

/** The default murmur3 bucketing cannot move to LaunchDarkly without reshuffling units. */
const LOSSY = PORTABLE.replaceAll('\n    bucketing: { hash: launchdarkly }', '');

describe('aiflags export', { timeout: 120_000 }, () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aiflags-cli-export-'));
    await writeFile(join(dir, 'flags.yaml'), PORTABLE);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('--to launchdarkly prints the export as JSON on stdout, or to --out', async () => {
    const r = await runCli(['export', 'flags.yaml', '--to', 'launchdarkly'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const data = JSON.parse(r.stdout) as unknown;
    expect(JSON.stringify(data)).toContain('chat-model');

    const toFile = await runCli(['export', 'flags.yaml', '--to', 'launchdarkly', '--out', 'ld.json'], { cwd: dir });
    expect(toFile.code).toBe(0);
    expect(toFile.stdout).toBe('');
    expect(JSON.parse(await readFile(join(dir, 'ld.json'), 'utf8'))).toEqual(data);
  });

  it('settings the target cannot express: listed on stderr, nothing exported and exit 1 unless --lossy', async () => {
    await writeFile(join(dir, 'lossy.yaml'), LOSSY);
    const refused = await runCli(['export', 'lossy.yaml', '--to', 'launchdarkly'], { cwd: dir });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain("lossy.yaml: flag 'chat-model', field 'bucketing.hash'");
    expect(refused.stderr).toContain('nothing exported (--lossy exports anyway)');

    const lossy = await runCli(['export', 'lossy.yaml', '--to', 'launchdarkly', '--lossy'], { cwd: dir });
    expect(lossy.code).toBe(0);
    expect(lossy.stderr).toContain("flag 'chat-model', field 'bucketing.hash'");
    expect(JSON.stringify(JSON.parse(lossy.stdout))).toContain('chat-model');
  });

  it('an unknown target: exit 1 with one line', async () => {
    const r = await runCli(['export', 'flags.yaml', '--to', 'split-io'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('export: --to split-io: expected launchdarkly, unleash, flagsmith or flagd\n');
  });

  it('--to flagsmith writes an environment document flagsmith-nodejs loads offline; other hashes are refused without --lossy', async () => {
    await writeFile(join(dir, 'flagsmith.yaml'), PORTABLE.replaceAll('hash: launchdarkly', 'hash: flagsmith, salt: env-key'));
    const r = await runCli(['export', 'flagsmith.yaml', '--to', 'flagsmith', '--out', 'flagsmith.json'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const { Flagsmith, LocalFileHandler } = await import('flagsmith-nodejs');
    const client = new Flagsmith({ offlineMode: true, offlineHandler: new LocalFileHandler(join(dir, 'flagsmith.json')) });
    const flags = await client.getIdentityFlags('user-1');
    expect(flags.isFeatureEnabled('ai_agent_enabled')).toBe(true);
    expect(JSON.parse(String(flags.getFeatureValue('chat-model')))).toHaveProperty('model');

    const refused = await runCli(['export', 'lossy.yaml', '--to', 'flagsmith'], { cwd: dir });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("lossy.yaml: flag 'chat-model', field 'bucketing.hash': bucketing.hash is murmur3: Flagsmith");
  });

  it('a bad flag file: exit 1 with one line naming the file', async () => {
    await writeFile(join(dir, 'bad.yaml'), 'flags: [');
    const r = await runCli(['export', 'bad.yaml', '--to', 'unleash'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^bad\.yaml/);
  });
});
