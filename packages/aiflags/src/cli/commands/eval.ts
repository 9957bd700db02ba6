import type { Command } from 'commander';
import { evaluate, type EvaluationContext, type FlagSet, type LiveState } from '@aiflags/core';
import { readLiveState } from '../../runtime.js';
import { fileLines } from '../bounded-lines.js';
import { action, CliError } from '../cli-error.js';
import { collectAttr, contextFromLine, parseAttributes } from '../context-attributes.js';
import { LineWriter } from '../line-writer.js';
import { printableJson } from '../printable.js';
import { flagsPathFor } from '../global-options.js';
import { readFlagSet } from '../read-flag-set.js';

interface EvalOptions {
  flag: string;
  user?: string;
  attr: string[];
  usersFile?: string;
  live?: boolean;
}

/** The JSON line printed for one user. */
export function evalLine(set: FlagSet, flag: string, user: string, context: EvaluationContext, live: LiveState | undefined): string {
  const r = evaluate(set, flag, context, live);
  const line: Record<string, unknown> = { user, value: r.value ?? null, variant: r.variant ?? null, reason: r.reason };
  if (r.errorCode !== undefined) line.errorCode = r.errorCode;
  return printableJson(line);
}

export function register(program: Command): void {
  program
    .command('eval')
    .description('evaluate a flag for users; prints one JSON line per user: {user, value, variant, reason}')
    .argument('[file]', 'the flag file (YAML or JSON); default: --flags, $AIFLAGS_FLAGS or ./flags.yaml')
    .requiredOption('--flag <key>', 'the flag or kill switch to evaluate')
    .option('--user <id>', 'the targeting key of one user')
    .option('--attr <key=value>', 'a context attribute (repeatable; a.b=v for nested attributes)', collectAttr, [])
    .option('--users-file <file>', 'users to evaluate: one id per line, or JSON lines with attributes')
    .option('--live', 'overlay the live state (kill switches, overrides) from .aiflags/ or Redis')
    .action(
      action(async (fileArg: string | undefined, options: EvalOptions, command: Command) => {
        const file = fileArg ?? flagsPathFor(command);
        if (options.user === undefined && options.usersFile === undefined) throw new CliError('eval: give --user <id> or --users-file <file>');
        const set = await readFlagSet(file);
        if (!set.flags.has(options.flag) && !set.killSwitches.has(options.flag)) {
          throw new CliError(`${file}: no flag or kill switch named '${options.flag}'`);
        }
        const attributes = parseAttributes(options.attr);
        let live: LiveState | undefined;
        if (options.live) {
          live = await readLiveState({ flags: file });
        }
        stopQuietlyOnClosedPipe();
        const out = new LineWriter();
        if (options.user !== undefined) {
          await out.line(evalLine(set, options.flag, options.user, { ...attributes, targetingKey: options.user }, live));
        }
        if (options.usersFile !== undefined) {
          let lineNumber = 0;
          for await (const text of await fileLines(options.usersFile)) {
            lineNumber++;
            const entry = contextFromLine(text, attributes, lineNumber, options.usersFile);
            if (entry) await out.line(evalLine(set, options.flag, entry.user, entry.context, live));
          }
        }
        await out.flush();
      }),
    );
}

/** `aiflags eval … | head` closes the pipe early; that is not an error. */
function stopQuietlyOnClosedPipe(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}
