import { execFileSync } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FlagConfigError, MAX_FLAG_FILE_BYTES } from '@aiflags/core';
import { loadFlagFile } from '../src/index.js';

describe('a flag file that reports no size is capped by the bytes actually read', () => {
  it.runIf(existsSync('/dev/zero'))('/dev/zero is refused once the limit is passed, naming the file', async () => {
    const error = await loadFlagFile('/dev/zero').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlagConfigError);
    expect((error as Error).message).toMatch(/^\/dev\/zero: more than 10485760 bytes were read/);
  });

  it('a FIFO fed more than the limit is refused, and the writer is not read to its end', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aiflags-fifo-'));
    try {
      const fifo = join(dir, 'flags.yaml');
      execFileSync('mkfifo', [fifo]);
      const writer = createWriteStream(fifo);
      writer.on('error', () => {}); // EPIPE once the reader stops
      const chunk = Buffer.alloc(1024 * 1024, 0x61);
      let written = 0;
      const feed = (): void => {
        while (written < 4 * MAX_FLAG_FILE_BYTES && writer.write(chunk)) written += chunk.length;
        if (written < 4 * MAX_FLAG_FILE_BYTES) writer.once('drain', feed);
      };
      feed();
      const error = await loadFlagFile(fifo).catch((e: unknown) => e);
      writer.destroy();
      expect(error).toBeInstanceOf(FlagConfigError);
      expect((error as Error).message).toContain(`${fifo}: more than ${MAX_FLAG_FILE_BYTES} bytes were read`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
