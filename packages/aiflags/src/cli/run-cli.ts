import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { commands } from './commands/index.js';
import { addGlobalOptions } from './global-options.js';

/** The version in this package's package.json (src/cli and dist/cli are both two levels below it). */
export const CLI_VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** The `aiflags` program with every command registered; parsing it never exits the process. */
export function createProgram(): Command {
  const program = new Command('aiflags').description('Feature flags for AI changes').version(CLI_VERSION, '-V, --version');
  // Before the commands are added: each copies this setting, so `--help` or a bad option throws instead of exiting.
  program.exitOverride();
  addGlobalOptions(program);
  for (const register of commands) register(program);
  return program;
}

/**
 * Runs the CLI on `args` (the words after `aiflags`) and resolves to its exit code. The host's
 * `process.exitCode` is left as it was: the caller decides whether to exit with the code.
 */
export async function runCli(args: readonly string[] = process.argv.slice(2)): Promise<number> {
  const before = process.exitCode;
  process.exitCode = undefined;
  let code: number;
  try {
    await createProgram().parseAsync([...args], { from: 'user' });
    code = Number(process.exitCode ?? 0);
  } catch (error) {
    // Commander has printed the message (or the help / version) already.
    if (error instanceof CommanderError) code = error.exitCode;
    else throw error;
  } finally {
    process.exitCode = before;
  }
  return code;
}
