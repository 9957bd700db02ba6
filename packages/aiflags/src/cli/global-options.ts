import type { Command } from 'commander';
import { flagsPathOf } from '../config.js';

/** Adds the options every command shares: `--flags <file>`. */
export function addGlobalOptions(program: Command): void {
  program.option('--flags <file>', 'the flag file (default: $AIFLAGS_FLAGS or ./flags.yaml)');
}

/** The flag file for a command: its `--flags` (placed before or after the command), else AIFLAGS_FLAGS, else ./flags.yaml. */
export function flagsPathFor(command: Command): string {
  const { flags } = command.optsWithGlobals<{ flags?: string }>();
  return flagsPathOf(flags !== undefined ? { flags } : {});
}
