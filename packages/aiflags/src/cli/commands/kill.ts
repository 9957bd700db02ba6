import type { Command } from 'commander';
import { MAX_RETRY_AFTER_S, RetryAfterSchema } from '@aiflags/core';
import { resolveRuntime } from '../../runtime.js';
import { action, CliError } from '../cli-error.js';
import { flagsPathFor } from '../global-options.js';
import { printable, printableJson } from '../printable.js';
import { readFlagSet } from '../read-flag-set.js';

/** `aiflags kill <switch> --reason "…"`: switches a kill switch off for every process reading the live state. */
export function register(program: Command): void {
  program
    .command('kill')
    .description('switch a kill switch off at run time (every process picks it up within a second)')
    .argument('<switch>', 'kill switch key from the killSwitches section')
    .option('--reason <text>', 'why; recorded in the audit log')
    .option('--retry-after <seconds>', 'seconds refused callers should wait (default: the switch setting)')
    .option('--actor <name>', 'who; default: the OS user')
    .option('--json', 'print the new switch state as JSON')
    .action(
      action(async (name: string, opts: { reason?: string; retryAfter?: string; actor?: string; json?: boolean }, command: Command) => {
        await changeKillSwitch(flagsPathFor(command), name, true, opts);
      }),
    );
}


export interface KillSwitchChangeOptions {
  reason?: string;
  retryAfter?: string;
  actor?: string;
  json?: boolean;
}

/**
 * Kills or revives a switch in the live state shared with every process, after checking the switch
 * exists in the flag file: a typo must fail loudly, not "kill" a switch nobody reads.
 */
export async function changeKillSwitch(flagsPath: string, name: string, killed: boolean, opts: KillSwitchChangeOptions): Promise<void> {
  const set = await readFlagSet(flagsPath);
  if (!set.killSwitches.has(name)) {
    const known = [...set.killSwitches.keys()];
    const hint = set.flags.has(name) ? ` ('${name}' is a flag, not a kill switch)` : known.length ? ` (known: ${known.join(', ')})` : ' (the file has no killSwitches section)';
    throw new CliError(`${flagsPath}: no kill switch '${name}'${hint}`);
  }
  const retryAfter = opts.retryAfter !== undefined ? parseRetryAfter(opts.retryAfter) : undefined;
  const runtime = await resolveRuntime({ flags: flagsPath });
  try {
    const meta: { reason?: string; actor?: string; retryAfter?: number } = {};
    if (opts.reason !== undefined) meta.reason = opts.reason;
    meta.actor = opts.actor ?? runtime.spec.actor;
    if (retryAfter !== undefined) meta.retryAfter = retryAfter;
    const state = await runtime.state.setKillSwitch(name, killed, meta);
    const after = state.killSwitches[name]!;
    if (opts.json) {
      process.stdout.write(`${printableJson({ switch: name, ...after })}\n`);
      return;
    }
    const wait = after.retryAfter ?? set.killSwitches.get(name)?.retryAfter ?? 300;
    const shown = printable(name);
    const what = killed ? `killed ${shown}: callers get 'Feature temporarily disabled', retry after ${wait} s` : `revived ${shown}: the feature is on again`;
    // The reason and actor are free text from the command line: escaped, so they cannot forge a line or drive the terminal.
    process.stdout.write(`${what}\n  by ${printable(after.actor ?? 'unknown')} at ${printable(after.at)}${after.reason ? ` — ${printable(after.reason)}` : ''}\n`);
  } finally {
    await runtime.close();
  }
}

/**
 * `--retry-after` by the flag file's rule (RetryAfterSchema): decimal digits only, so '', '1.5', '1e300'
 * and '0x10' — which Number() would take — are refused rather than stored as a value the file could not hold.
 */
export function parseRetryAfter(text: string): number {
  const seconds = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!RetryAfterSchema.safeParse(seconds).success) {
    throw new CliError(`--retry-after: expected seconds, a whole number from 0 to ${MAX_RETRY_AFTER_S} in decimal digits, got '${text}'`);
  }
  return seconds;
}
