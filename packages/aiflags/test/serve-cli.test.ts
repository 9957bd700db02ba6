import type { ChildProcess } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, startCli } from './cli-ai-run.js';

const FLAGS = `
id: serve-cli
flags:
  system-prompt:
    variants: { a: "You are helpful.", b: "You are concise." }
    defaultVariant: a
killSwitches:
  ai_agent_enabled: {}
`;

/** Resolves with the first stdout line of `child` that matches `pattern`. */
function lineMatching(child: ChildProcess, pattern: RegExp, limitMs = 20_000): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`no line matching ${pattern} in ${limitMs} ms; stdout: ${text}`)), limitMs);
    child.stdout?.on('data', (chunk) => {
      text += chunk;
      const match = pattern.exec(text);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    });
  });
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

async function evaluateFlag(url: string, key: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${url}/ofrep/v1/evaluate/flags/${key}`, { method: 'POST', body: JSON.stringify({ context: { targetingKey: 'u-1' } }) });
  return (await res.json()) as Record<string, unknown>;
}

describe('aiflags serve (the CLI process)', () => {
  let dir: string;
  let file: string;
  let child: ChildProcess | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aiflags-serve-cli-'));
    file = join(dir, 'flags.yaml');
    await writeFile(file, FLAGS);
  });

  afterEach(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGKILL');
      await exitOf(child);
    }
    child = undefined;
  });

  it('refuses a non-loopback address without AIFLAGS_SERVE_TOKEN: one line, exit 1', async () => {
    const r = await runCli(['serve', '--flags', file, '--host', '0.0.0.0', '--port', '0'], { AIFLAGS_SERVE_TOKEN: '' });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'aiflags serve: --host 0.0.0.0 accepts connections from other machines; set AIFLAGS_SERVE_TOKEN (a token, or name:secret entries) or bind 127.0.0.1\n',
    );
  });

  it('refuses a bad port and a bad flag file, naming them', async () => {
    const port = await runCli(['serve', '--flags', file, '--port', '80x'], { AIFLAGS_SERVE_TOKEN: '' });
    expect(port).toMatchObject({ code: 1, stderr: "serve: --port must be an integer from 0 to 65535, got '80x'\n" });
    await writeFile(file, 'flags:\n  broken:\n    variants: { a: 1 }\n    defaultVariant: b\n');
    const bad = await runCli(['serve', '--flags', file, '--port', '0'], { AIFLAGS_SERVE_TOKEN: '' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(file);
    expect(bad.stderr).toContain('broken');
  });

  it('serves, reloads an edited flag file, applies `aiflags kill` from another process, and drains on SIGTERM', async () => {
    child = startCli(['serve', '--flags', file, '--port', '0'], { AIFLAGS_SERVE_TOKEN: '' });
    const [, url] = await lineMatching(child, /OFREP on (http:\/\/127\.0\.0\.1:\d+) /);
    expect(await evaluateFlag(url as string, 'system-prompt')).toMatchObject({ value: 'You are helpful.', variant: 'a', reason: 'STATIC' });

    await writeFile(file, FLAGS.replace('defaultVariant: a', 'defaultVariant: b'));
    const deadline = Date.now() + 10_000;
    while ((await evaluateFlag(url as string, 'system-prompt')).variant !== 'b' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(await evaluateFlag(url as string, 'system-prompt')).toMatchObject({ value: 'You are concise.', variant: 'b' });

    const kill = await runCli(['kill', 'ai_agent_enabled', '--flags', file, '--reason', 'serve test', '--json', '--wait', '10']);
    expect(kill.code).toBe(0);
    expect(JSON.parse(kill.stdout)).toMatchObject({ killed: true, instances: { confirmed: 1, total: 1, missing: [] } });
    expect(await evaluateFlag(url as string, 'ai_agent_enabled')).toMatchObject({ value: false, variant: 'killed', reason: 'DISABLED' });

    const body = JSON.stringify({ context: { targetingKey: 'u-1' } });
    const { port } = new URL(url as string);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    socket.write(`POST /ofrep/v1/evaluate/flags/system-prompt HTTP/1.1\r\nhost: x\r\ncontent-length: ${body.length}\r\n\r\n{`);
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk;
    });
    const closed = new Promise((r) => socket.once('close', r));
    await new Promise((r) => setTimeout(r, 100));
    const draining = lineMatching(child, /SIGTERM, draining/);
    child.kill('SIGTERM');
    await draining;
    socket.write(body.slice(1));
    await closed;
    expect(answer).toMatch(/^HTTP\/1.1 200/);
    expect(answer).toContain('"variant":"b"');
    expect(await exitOf(child)).toBe(0);
  });
});
