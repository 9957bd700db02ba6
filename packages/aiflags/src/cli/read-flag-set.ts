import type { FlagSet } from '@aiflags/core';
import { loadFlagFile } from '@aiflags/provider';

/** Reads and parses a flag file for a command; any problem throws a one-line error naming the file. */
export async function readFlagSet(file: string): Promise<FlagSet> {
  return (await loadFlagFile(file)).set;
}
