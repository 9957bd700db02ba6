import { readFile } from 'node:fs/promises';
import { parseFlags, type FlagSet } from '@aiflags/core';
import { CliError } from './cli-error.js';

/** Reads and parses a flag file for a command; any problem becomes a one-line CliError naming the file. */
export async function readFlagSet(file: string): Promise<FlagSet> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(code === 'ENOENT' ? `${file}: file not found` : code === 'EISDIR' ? `${file}: is a directory, not a flag file` : `${file}: cannot read the file (${code})`);
  }
  return parseFlags(text, file);
}
