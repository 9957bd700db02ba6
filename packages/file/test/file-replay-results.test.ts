import { appendFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileReplayResults } from '../src/index.js';

interface Kept {
  flagKey: string;
  flagVersion: string;
  caseId: string;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('FileReplayResults', () => {
  it("streams one flag version's results line by line in the order written, skipping a torn line and other versions", async () => {
    const store = new FileReplayResults<Kept>(await mkdtemp(join(tmpdir(), 'aiflags-replay-results-')));
    expect(await collect(store.stream('chat-model', 'v1'))).toEqual([]);
    await store.append({ flagKey: 'chat-model', flagVersion: 'v1', caseId: 'a' });
    await store.append({ flagKey: 'chat-model', flagVersion: 'v0', caseId: 'old' });
    await appendFile(store.fileFor('chat-model'), '{"flagKey":"chat-model","flagVersion":"v1","caseId":"torn\r\nnull\n\n');
    await store.append({ flagKey: 'chat-model', flagVersion: 'v1', caseId: 'b' });
    const streamed = await collect(store.stream('chat-model', 'v1'));
    expect(streamed.map((r) => r.caseId)).toEqual(['a', 'b']);
    expect(store.skipped).toBe(2);
    expect(await store.load('chat-model', 'v1')).toEqual(streamed);
  });

  it('appends many results in the order given, one append per flag file, after the ones before', async () => {
    const store = new FileReplayResults<Kept>(await mkdtemp(join(tmpdir(), 'aiflags-replay-many-')));
    await store.appendMany([]);
    await store.append({ flagKey: 'chat-model', flagVersion: 'v1', caseId: 'first' });
    await store.appendMany([
      { flagKey: 'chat-model', flagVersion: 'v1', caseId: 'a' },
      { flagKey: 'system-prompt', flagVersion: 'v1', caseId: 'p' },
      { flagKey: 'chat-model', flagVersion: 'v1', caseId: 'b' },
    ]);
    expect((await collect(store.stream('chat-model', 'v1'))).map((r) => r.caseId)).toEqual(['first', 'a', 'b']);
    expect((await collect(store.stream('system-prompt', 'v1'))).map((r) => r.caseId)).toEqual(['p']);
  });
});
