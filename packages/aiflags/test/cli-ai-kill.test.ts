import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenFeature } from '@openfeature/server-sdk';
import { aiFlags, type AiFlags } from '@aiflags/ai';
import { LocalProvider } from '@aiflags/provider';
import { FilePresenceStore, FileStateStore } from '@aiflags/file';
import { runCli } from './cli-ai-run.js';

const FLAGS = `
flags:
  chat-model:
    changeType: model-swap
    variants:
      control: { model: gpt-4o, provider: openai }
      treatment: { model: claude-sonnet-4, provider: anthropic }
    defaultVariant: control
    rollout: { variant: treatment, percentage: 5 }
killSwitches:
  ai_agent_enabled: {}
  web_search_enabled: { retryAfter: 60 }
`;

/** Polls `check` every 10 ms until it is true; returns the ms it took, or Infinity after `limitMs`. */
async function msUntil(check: () => Promise<boolean>, limitMs: number): Promise<number> {
  const start = performance.now();
  while (performance.now() - start < limitMs) {
    if (await check()) return performance.now() - start;
    await new Promise((r) => setTimeout(r, 10));
  }
  return Infinity;
}

describe('aiflags kill / revive on the local backend', () => {
  let dir: string;
  let flagsPath: string;
  const instances: AiFlags[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aiflags-kill-'));
    flagsPath = join(dir, 'flags.yaml');
    await writeFile(flagsPath, FLAGS);
    // Two app instances, each with its own provider and its own view of `.aiflags/` (as two processes would have).
    for (const name of ['instance-a', 'instance-b']) {
      const state = new FileStateStore(join(dir, '.aiflags'));
      // Each announces itself in `.aiflags/instances/`, so `aiflags kill` waits for both to confirm.
      const provider = new LocalProvider({
        file: flagsPath,
        state,
        presence: { store: new FilePresenceStore(join(dir, '.aiflags')), app: name },
        dispose: () => state.close(),
      });
      await OpenFeature.setProviderAndWait(`${name}-${dir}`, provider);
      instances.push(aiFlags(OpenFeature.getClient(`${name}-${dir}`), { meter: false }));
    }
  });

  afterAll(async () => {
    await OpenFeature.clearProviders();
  });

  it('both instances see a kill within a second, and the audit log says who, when and why', { timeout: 120_000 }, async () => {
    const ctx = { targetingKey: 'user-1' };
    for (const flags of instances) expect(await flags.guard('ai_agent_enabled', ctx)).toBeNull();

    const before = Date.now();
    const kill = await runCli(['--flags', flagsPath, 'kill', 'ai_agent_enabled', '--reason', 'runaway tool loop', '--actor', 'alice']);
    expect(kill.stderr).toBe('');
    expect(kill.code).toBe(0);
    expect(kill.stdout).toMatch(
      /^killed ai_agent_enabled: callers get 'Feature temporarily disabled', retry after 300 s\n {2}by alice at .* — runaway tool loop\n {2}applied by 2 of 2 instances in [\d.]+ ms \(slowest: instance-[ab] pid \d+\)\n$/,
    );

    const waits = await Promise.all(instances.map((flags) => msUntil(async () => (await flags.guard('ai_agent_enabled', ctx)) !== null, 1_000)));
    for (const ms of waits) expect(ms).toBeLessThan(1_000);
    for (const flags of instances) {
      expect(await flags.guard('ai_agent_enabled', ctx)).toEqual({ error: 'Feature temporarily disabled', retryAfter: 300 });
      await expect(flags.guardOrThrow('ai_agent_enabled', ctx)).rejects.toMatchObject({ name: 'FeatureDisabledError', retryAfter: 300 });
      // Other switches are untouched.
      expect(await flags.guard('web_search_enabled', ctx)).toBeNull();
    }

    const audit = await runCli(['--flags', flagsPath, 'audit', '--json', '--target', 'ai_agent_enabled']);
    expect(audit.code).toBe(0);
    const [entry] = audit.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(entry).toMatchObject({ actor: 'alice', action: 'kill', target: 'ai_agent_enabled', reason: 'runaway tool loop' });
    expect(Date.parse(entry.at)).toBeGreaterThanOrEqual(before - 1_000);

    const revive = await runCli(['--flags', flagsPath, 'revive', 'ai_agent_enabled', '--reason', 'fixed in 1.4.2', '--actor', 'bob']);
    expect(revive.code).toBe(0);
    const back = await Promise.all(instances.map((flags) => msUntil(async () => (await flags.guard('ai_agent_enabled', ctx)) === null, 1_000)));
    for (const ms of back) expect(ms).toBeLessThan(1_000);

    const text = await runCli(['--flags', flagsPath, 'audit', '--limit', '2']);
    const lines = text.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\S+Z {2}bob {2}revive {2}ai_agent_enabled {2}— fixed in 1\.4\.2$/);
    expect(lines[1]).toMatch(/^\S+Z {2}alice {2}kill {2}ai_agent_enabled {2}— runaway tool loop$/);
  });

  it('a switch-level retryAfter and --retry-after reach the caller', async () => {
    const kill = await runCli(['--flags', flagsPath, 'kill', 'web_search_enabled', '--retry-after', '120']);
    expect(kill.code).toBe(0);
    const ms = await msUntil(async () => (await instances[0]!.guard('web_search_enabled')) !== null, 1_000);
    expect(ms).toBeLessThan(1_000);
    expect(await instances[0]!.guard('web_search_enabled')).toEqual({ error: 'Feature temporarily disabled', retryAfter: 120 });
    await runCli(['--flags', flagsPath, 'revive', 'web_search_enabled']);
  });

  it.each([
    [['kill', 'ai_agent_enabld'], /no kill switch 'ai_agent_enabld' \(known: ai_agent_enabled, web_search_enabled\)/],
    [['kill', 'chat-model'], /'chat-model' is a flag, not a kill switch/],
    [['kill', 'ai_agent_enabled', '--retry-after', 'soon'], /--retry-after: expected seconds/],
    [['audit', '--limit', '0'], /--limit: expected a whole number/],
  ])('rejects %j with one line and exit 1', async (args, message) => {
    const r = await runCli(['--flags', flagsPath, ...args]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
