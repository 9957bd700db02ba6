/**
 * `aiflags promote` ends a prompt test (issue #20): the winner (or the named variant) is served at once
 * through the live state, audited; `--write` makes it the file's default with comments and layout kept.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluate, parseFlags } from '@aiflags/core';
import { FileMetricStore } from '@aiflags/file';
import { FileStateStore } from '@aiflags/file';
import { seededRandom, simulateUnits } from '@aiflags/testing';
import { runCli } from './cli-ai-run.js';

const FLAGS = `# Flags of the support bot.
flags:
  # The prompt test: three tones, a third of users each.
  system-prompt:
    changeType: system-prompt
    variants:
      helpful: "Be helpful."   # today's prompt
      concise: "Be brief."
      expert: "Be an expert."
    defaultVariant: helpful
    split: { helpful: 34, concise: 33, expert: 33 }
  chat-model:
    variants: { control: { model: gpt-4o }, treatment: { model: claude-sonnet-4 } }
    defaultVariant: control
`;

let dir: string;
let flagsPath: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aiflags-promote-'));
  flagsPath = join(dir, 'flags.yaml');
  await writeFile(flagsPath, FLAGS);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function seed(behaviour: Record<string, { quality: number }>, seedValue: number) {
  const store = new FileMetricStore({ dir: join(dir, '.aiflags'), flushIntervalMs: 0 });
  const base = { latencyMs: 700, costUsd: 0.002, errorRate: 0.02 };
  simulateUnits(store, seededRandom(seedValue), {
    flagKey: 'system-prompt',
    units: 6_000,
    shares: { helpful: 0.34, concise: 0.33, expert: 0.33 },
    behaviour: Object.fromEntries(Object.entries(behaviour).map(([v, b]) => [v, { ...base, ...b }])),
    at: Date.now() - 3_600_000,
    unitPrefix: `s${seedValue}`,
  });
  await store.close();
}

async function liveOverride() {
  const state = new FileStateStore(join(dir, '.aiflags'));
  await state.start();
  const o = state.current().flags['system-prompt'];
  const [entry] = await state.audit.list({ limit: 1 });
  await state.close();
  return { o, entry };
}

describe('aiflags promote', () => {
  it('with no winner yet it refuses, says why, and changes nothing', async () => {
    await seed({ helpful: { quality: 4 }, concise: { quality: 4 }, expert: { quality: 4 } }, 1);
    const r = await runCli(['promote', 'system-prompt', '--flags', flagsPath]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^system-prompt: nothing to promote yet \(no winner yet: .*\); name the variant to promote it anyway: aiflags promote system-prompt <variant>\n$/,
    );
    expect((await liveOverride()).o).toBeUndefined();
  });

  it('a typo in the variant fails naming the variants', async () => {
    const r = await runCli(['promote', 'system-prompt', 'expret', '--flags', flagsPath]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("flag 'system-prompt' has no variant 'expret' (variants: helpful, concise, expert)");
  });

  it('the winner is served to everyone at once, audited, and the file edit is printed', async () => {
    await seed({ helpful: { quality: 4 }, concise: { quality: 4 }, expert: { quality: 4.4 } }, 2);
    const r = await runCli(['promote', 'system-prompt', '--flags', flagsPath, '--actor', 'maria', '--no-wait']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("promoted system-prompt: every user now gets 'expert'\n  by maria — promoted the winner 'expert'\n");
    expect(r.stdout).toContain(
      `live state only, until the flag file says so: in ${flagsPath}, flags.system-prompt: set defaultVariant: expert and remove split (or run again with --write)`,
    );
    const { o, entry } = await liveOverride();
    expect(o).toMatchObject({ variant: 'expert', rolloutStatus: 'promoted' });
    expect(entry).toMatchObject({ action: 'promote', actor: 'maria', target: 'system-prompt', reason: "promoted the winner 'expert'" });
    // What every process evaluating the flags serves now.
    const set = parseFlags(FLAGS, 'flags.yaml');
    const live = { version: 1, flags: { 'system-prompt': o! }, killSwitches: {} };
    for (let i = 0; i < 200; i++) expect(evaluate(set, 'system-prompt', { targetingKey: `u${i}` }, live).variant).toBe('expert');
  });

  it('like a kill, it waits for the running instances: with none reading the store it says so and exits 2', async () => {
    const r = await runCli(['promote', 'system-prompt', 'expert', '--wait', '0.5', '--flags', flagsPath]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^aiflags: no instance reads this store: the change is written to /);
    expect((await liveOverride()).o).toMatchObject({ variant: 'expert' });
  });

  it('--write edits the file keeping its comments and layout, and clears the live override', async () => {
    const r = await runCli(['promote', 'system-prompt', 'expert', '--write', '--no-wait', '--flags', flagsPath]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const text = await readFile(flagsPath, 'utf8');
    expect(text).toBe(FLAGS.replace('    defaultVariant: helpful\n    split: { helpful: 34, concise: 33, expert: 33 }\n', '    defaultVariant: expert\n'));
    expect((await liveOverride()).o).toBeUndefined();
    expect(parseFlags(text, flagsPath).flags.get('system-prompt')!.definition.defaultVariant).toBe('expert');
  });
});

describe('aiflags promote --write on a flagd file', () => {
  it('refuses to edit it in place and leaves it as it was', async () => {
    const path = join(dir, 'flags.flagd.json');
    const text = JSON.stringify({
      flags: {
        tone: {
          state: 'ENABLED',
          variants: { a: 'A', b: 'B' },
          defaultVariant: 'a',
          targeting: {
            fractional: [
              ['a', 1],
              ['b', 1],
            ],
          },
        },
      },
    });
    await writeFile(path, text);
    const r = await runCli(['promote', 'tone', 'b', '--write', '--no-wait', '--flags', path]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`${path}: a flagd file is not edited in place`);
    expect(await readFile(path, 'utf8')).toBe(text);
  });
});
