/**
 * What the CLI prints and accepts when its input is hostile (issue #12, items 10 and 14): every line it
 * prints stays one line with control characters escaped, numbers are read strictly, a bad audit line is
 * skipped and counted instead of hiding the log, a mistyped path creates nothing, and a users file with
 * an endless line stops with its line number instead of exhausting memory.
 */
import { existsSync } from 'node:fs';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boundedLines } from '../src/cli/bounded-lines.js';
import { runCli } from './cli-ai-run.js';

const FLAGS = `
flags:
  chat-model:
    changeType: model-swap
    variants:
      control: { model: gpt-4o }
      treatment: { model: claude-sonnet-4 }
    defaultVariant: control
    rollout: { variant: treatment, percentage: 50 }
killSwitches:
  ai_agent_enabled: {}
`;

/** No raw control character (other than the newlines between lines), no bidi override, no line separator. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the test looks for exactly these characters
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

let dir: string;
let flags: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aiflags-hostile-'));
  flags = join(dir, 'flags.yaml');
  await writeFile(flags, FLAGS);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('text from input is printed escaped, on one line', () => {
  it('a kill switch name with an escape sequence and a newline', async () => {
    const r = await runCli(['kill', 'ai_agent\u001b[2J\nenabled', '--flags', flags]);
    expect(r.code).toBe(1);
    // The ESC is shown, not obeyed; the line break folds into the one error line.
    expect(r.stderr).toContain("no kill switch 'ai_agent\\x1b[2J enabled'");
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(RAW_CONTROL.test(r.stderr)).toBe(false);
  });

  it('--reason and --actor with terminal control sequences, as audit prints them', async () => {
    await runCli(['kill', 'ai_agent_enabled', '--flags', flags, '--reason', 'bad\u001b]0;owned\u0007 model\nFAKE LINE', '--actor', 'eve\u202e']);
    const audit = await runCli(['audit', '--flags', flags]);
    expect(audit.code).toBe(0);
    const line = audit.stdout.split('\n').find((l) => l.includes('ai_agent_enabled'));
    expect(line).toContain('bad\\x1b]0;owned\\x07 model\\x0aFAKE LINE');
    expect(line).toContain('eve\\u{202e}');
    expect(RAW_CONTROL.test(audit.stdout)).toBe(false);
    expect(audit.stdout).not.toMatch(/^FAKE LINE/m);
  });
});

describe('numbers are read strictly', () => {
  it.each(['', '1.5', '1e300', '0x10', '-1', ' 5'])('--retry-after %j is refused and nothing is written', async (text) => {
    const before = await readFile(join(dir, '.aiflags', 'audit.jsonl'), 'utf8').catch(() => '');
    const r = await runCli(['kill', 'ai_agent_enabled', '--flags', flags, '--retry-after', text]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--retry-after: expected seconds, a whole number from 0 to');
    expect(await readFile(join(dir, '.aiflags', 'audit.jsonl'), 'utf8').catch(() => '')).toBe(before);
  });

  it.each(['99999999999999999999h', 'yesterday', '-5h', '1e3h'])('report --since %j says what it expects, not "Invalid time value"', async (text) => {
    const r = await runCli(['report', 'chat-model', '--flags', flags, '--since', text]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^--since: /);
    expect(r.stderr).not.toContain('Invalid time value');
    expect(r.stderr).not.toContain('    at ');
  });
});

describe('the audit log', () => {
  it('a line whose fields have the wrong types is skipped and counted, and the other entries still show', async () => {
    const log = join(dir, '.aiflags', 'audit.jsonl');
    await runCli(['revive', 'ai_agent_enabled', '--flags', flags]);
    await appendFile(log, `${JSON.stringify({ at: 12345, actor: [], action: 'kill', target: {} })}\nnot json at all\n`);
    const r = await runCli(['audit', '--flags', flags]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('audit: skipped 2 unreadable entries in the audit log');
    expect(r.stdout).toMatch(/revive\s+ai_agent_enabled/);
    expect(r.stderr).not.toContain('is not a function');
  });

  it('a nonexistent --flags path fails naming it and creates no .aiflags/ folder there', async () => {
    const missing = join(dir, 'no-such-dir', 'flags.yaml');
    const r = await runCli(['audit', '--flags', missing]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${missing}: file not found`);
    expect(existsSync(join(dir, 'no-such-dir'))).toBe(false);
  });
});

describe('users files', () => {
  it('a line over the cap stops the read with the line number, before the line is joined', async () => {
    // 3 MiB in 64 KiB chunks on line 3, cap 1 MiB: the error comes after ~1 MiB, not at the end.
    let chunksRead = 0;
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    async function* input(): AsyncGenerator<Buffer> {
      yield Buffer.from('user-1\r\nuser-2\n');
      for (let i = 0; i < 48; i++) {
        chunksRead++;
        yield chunk;
      }
    }
    const lines: string[] = [];
    await expect(
      (async () => {
        for await (const line of boundedLines(input(), 'users.txt')) lines.push(line);
      })(),
    ).rejects.toThrow('users.txt:3: longer than 1 MiB, the most one line may hold');
    expect(lines).toEqual(['user-1', 'user-2']);
    expect(chunksRead).toBeLessThanOrEqual(17);
  });

  it('a line split across chunks, multi-byte characters and a last line without newline come out whole', async () => {
    const text = 'ünï\ncödé-😀\nlast';
    const bytes = Buffer.from(text);
    const pieces = Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));
    const lines: string[] = [];
    for await (const line of boundedLines(Readable.from(pieces), 'users.txt')) lines.push(line);
    expect(lines).toEqual(['ünï', 'cödé-😀', 'last']);
  });

  it('aiflags eval --users-file with an overlong line exits 1 naming file and line, without a stack trace', async () => {
    const users = join(dir, 'users.txt');
    await writeFile(users, `user-1\n${'x'.repeat(2 * 1024 * 1024)}\n`);
    const r = await runCli(['eval', flags, '--flag', 'chat-model', '--users-file', users]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${users}:2: longer than 1 MiB, the most one line may hold`);
    expect(r.stderr).not.toContain('    at ');
  });
});
