import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { runCli } from 'aiflags/cli';

const example = fileURLToPath(new URL('..', import.meta.url));

/** Runs the real CLI in this process and returns its exit code and what it printed. */
async function aiflags(...args: string[]): Promise<{ code: number; out: string }> {
  const chunks: string[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  });
  try {
    return { code: await runCli(args), out: chunks.join('') };
  } finally {
    write.mockRestore();
  }
}

describe('aiflags check on the chat service', () => {
  const copy = mkdtempSync(join(tmpdir(), 'aiflags-example-check-'));
  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  it('every key the service reads is in its flag file, and every flag is read', async () => {
    const r = await aiflags('--flags', join(example, 'flags.yaml'), 'check', join(example, 'src'));
    expect(r.out).toMatch(/: 3 keys used in \d+ files, 0 problems, 0 not read — OK\n$/);
    expect(r.code).toBe(0);
  });

  it('a typo in the service code fails the check, naming the line', async () => {
    cpSync(join(example, 'src'), join(copy, 'src'), { recursive: true });
    const file = join(copy, 'src', 'chat-service.ts');
    writeFileSync(file, readFileSync(file, 'utf8').replace("flags.guard('ai_agent_enabled'", "flags.guard('ai_agent_enabld'"));
    const r = await aiflags('--flags', join(example, 'flags.yaml'), 'check', join(copy, 'src'));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /chat-service\.ts:\d+:\d+: guard\('ai_agent_enabld'\): no kill switch or flag 'ai_agent_enabld' in .*flags\.yaml; did you mean 'ai_agent_enabled'\?/,
    );
  });
});
