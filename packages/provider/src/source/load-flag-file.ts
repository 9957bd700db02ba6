import { open } from 'node:fs/promises';
import { FlagConfigError, MAX_FLAG_FILE_BYTES, parseFlags, type FlagSet } from '@aiflags/core';

/**
 * Reads a flag file's bytes. A file over the size limit is refused before it is read, so a huge file
 * cannot exhaust memory; read errors become one-line messages naming the file.
 */
export async function readFlagFileBytes(path: string): Promise<Buffer> {
  let handle;
  try {
    handle = await open(path, 'r');
    const info = await handle.stat();
    if (info.isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
    if (info.size > MAX_FLAG_FILE_BYTES) {
      throw new FlagConfigError({ file: path }, `the file is ${info.size} bytes; the limit is ${MAX_FLAG_FILE_BYTES} bytes`);
    }
    return await handle.readFile();
  } catch (error) {
    if (error instanceof FlagConfigError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`${path}: file not found`);
    if (code === 'EISDIR') throw new Error(`${path}: is a directory, not a flag file`);
    throw new Error(`${path}: cannot read the file (${code ?? (error as Error).message})`);
  } finally {
    await handle?.close();
  }
}

/** Reads and parses a flag file; throws a FlagConfigError (or a read error naming the file) on bad input. */
export async function loadFlagFile(path: string): Promise<{ set: FlagSet; bytes: Buffer }> {
  const bytes = await readFlagFileBytes(path);
  return { set: parseFlags(bytes, path), bytes };
}
