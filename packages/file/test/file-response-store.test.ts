import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HOUR_MS } from '@aiflags/metrics';
import { FileResponseStore } from '../src/index.js';

const T0 = Date.UTC(2026, 10, 3, 9, 30, 0);

describe('FileResponseStore', () => {
  it("finds another store's attributions from their file, and deletes files once every line has expired", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aiflags-responses-'));
    let now = T0;
    const clock = () => now;
    const writer = new FileResponseStore({ dir, flushIntervalMs: 0, ttlMs: 2 * HOUR_MS, clock });
    const reader = new FileResponseStore({ dir, flushIntervalMs: 0, ttlMs: 2 * HOUR_MS, clock });
    writer.remember('r1', { flagKey: 'chat-model', variant: 'claude', unitId: 'u1', at: T0 });
    writer.remember('r1', { flagKey: 'prompt', variant: 'brief', at: T0 });
    expect(await reader.lookup('r1')).toEqual([]);
    await writer.flush();
    expect(await reader.lookup('r1')).toEqual([
      { flagKey: 'chat-model', variant: 'claude', unitId: 'u1', at: T0 },
      { flagKey: 'prompt', variant: 'brief', at: T0 },
    ]);
    expect(await readdir(join(dir, 'responses'))).toHaveLength(1);

    now = T0 + 2 * HOUR_MS;
    expect(await reader.lookup('r1')).toEqual([]);
    now = Date.UTC(2026, 10, 3, 9) + 3 * HOUR_MS;
    expect(await reader.lookup('unknown')).toEqual([]);
    expect(await readdir(join(dir, 'responses'))).toEqual([]);
    await Promise.all([writer.close(), reader.close()]);
  });
});
