import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/run-cli.js';
import { SAMPLE_FLAGS_YAML } from './support/sample-flags.js';

describe('aiflags validate', { timeout: 120_000 }, () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aiflags-cli-validate-'));
    await writeFile(join(dir, 'flags.yaml'), SAMPLE_FLAGS_YAML);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints a one-line summary and exits 0 for a good file', async () => {
    const r = await runCli(['validate', 'flags.yaml'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('flags.yaml: 4 flags, 1 segment, 1 kill switch — OK\n');
  });

  it('--json prints the counts', async () => {
    const r = await runCli(['validate', 'flags.yaml', '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ file: 'flags.yaml', ok: true, id: 'cli-sample', flags: 4, segments: 1, killSwitches: 1 });
  });

  it.each([
    ['a missing file', 'nope.yaml', 'nope.yaml: file not found'],
    ['a directory', '.', '.: is a directory, not a flag file'],
  ])('%s: exit 1 with one line', async (_name, file, line) => {
    const r = await runCli(['validate', file], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`${line}\n`);
  });

  it("lists each prompt's {{variables}}, per variant when they differ", async () => {
    const prompts = `flags:
  system-prompt:
    changeType: system-prompt
    variants:
      helpful: "You help {{user}} with {{product}}."
      concise: "Be brief about {{ product }}, {{user}}."
      legacy: "You are an assistant."
    defaultVariant: helpful
  greeting:
    changeType: system-prompt
    variants: { a: "Hi {{name}}", b: "Hello {{name}}" }
    defaultVariant: a
`;
    await writeFile(join(dir, 'prompts.yaml'), prompts);
    const r = await runCli(['validate', 'prompts.yaml'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'prompts.yaml: 2 flags, 0 segments, 0 kill switches — OK\n' +
        "  prompt 'system-prompt': helpful: {{user}}, {{product}}; concise: {{product}}, {{user}}; legacy: no {{variables}}\n" +
        "  prompt 'greeting': {{name}} in every variant (a, b)\n",
    );
    const json = await runCli(['validate', 'prompts.yaml', '--json'], { cwd: dir });
    expect(JSON.parse(json.stdout).prompts).toEqual({
      'system-prompt': { helpful: ['user', 'product'], concise: ['product', 'user'], legacy: [] },
      greeting: { a: ['name'], b: ['name'] },
    });
  });

  it('--json on a bad file prints the error as JSON and exits 1', async () => {
    await writeFile(join(dir, 'bad.yaml'), SAMPLE_FLAGS_YAML.replace('defaultVariant: low', 'defaultVariant: medium'));
    const r = await runCli(['validate', 'bad.yaml', '--json'], { cwd: dir });
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ file: 'bad.yaml', ok: false, error: { flag: 'temperature', field: 'defaultVariant' } });
  });
});
