import { open, type FileHandle } from 'node:fs/promises';
import { AiflagsError, FlagConfigError, MAX_FLAG_FILE_BYTES, parseFlags, type FlagSet } from '@aiflags/core';

/** Why a flag file could not be read, as a code to decide on (the message is for people). */
export type FlagFileReadErrorCode = 'FILE_NOT_FOUND' | 'NOT_A_FILE' | 'UNREADABLE';

/** A flag file that could not be read: one line naming the file, and a code. */
export class FlagFileReadError extends AiflagsError {
  override readonly name = 'FlagFileReadError';
  constructor(
    readonly code: FlagFileReadErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Reads a flag file's bytes. A file over the size limit is refused before it is read, so a huge file
 * cannot exhaust memory; a device or FIFO reports size 0, so the bytes actually read are capped too.
 * Read errors become one-line messages naming the file.
 */
export async function readFlagFileBytes(path: string): Promise<Buffer> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, 'r');
    const info = await handle.stat();
    if (info.isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
    if (info.size > MAX_FLAG_FILE_BYTES) {
      throw new FlagConfigError({ file: path }, `the file is ${info.size} bytes; the limit is ${MAX_FLAG_FILE_BYTES} bytes`);
    }
    return await readCapped(handle, path);
  } catch (error) {
    if (error instanceof FlagConfigError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new FlagFileReadError('FILE_NOT_FOUND', `${path}: file not found`);
    if (code === 'EISDIR') throw new FlagFileReadError('NOT_A_FILE', `${path}: is a directory, not a flag file`);
    throw new FlagFileReadError('UNREADABLE', `${path}: cannot read the file (${code ?? (error as Error).message})`);
  } finally {
    await handle?.close();
  }
}

/** Reads at most MAX_FLAG_FILE_BYTES; one byte more refuses the file (`/dev/zero` never ends). */
async function readCapped(handle: FileHandle, path: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(Math.min(64 * 1024, MAX_FLAG_FILE_BYTES + 1 - total));
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
    if (bytesRead === 0) return Buffer.concat(chunks, total);
    chunks.push(chunk.subarray(0, bytesRead));
    total += bytesRead;
    if (total > MAX_FLAG_FILE_BYTES) {
      throw new FlagConfigError(
        { file: path },
        `more than ${MAX_FLAG_FILE_BYTES} bytes were read and the file had not ended; the limit is ${MAX_FLAG_FILE_BYTES} bytes`,
      );
    }
  }
}

/** Reads and parses a flag file; throws a FlagConfigError (or a read error naming the file) on bad input. */
export async function loadFlagFile(path: string): Promise<{ set: FlagSet; bytes: Buffer }> {
  const bytes = await readFlagFileBytes(path);
  return { set: parseFlags(bytes, path), bytes };
}
