import { readFile } from 'node:fs/promises';
import { parseFlags, type FlagSet } from '@aiflags/core';

/** Reads and parses a flag file; throws a FlagConfigError (or a read error naming the file) on bad input. */
export async function loadFlagFile(path: string): Promise<{ set: FlagSet; text: string }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `${path}: file not found` : `${path}: cannot read the file (${code ?? (error as Error).message})`);
  }
  return { set: parseFlags(text, path), text };
}
