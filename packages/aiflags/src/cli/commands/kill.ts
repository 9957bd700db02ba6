import type { Command } from 'commander';
import { resolveRuntime } from '../../runtime.js';
import { action, CliError } from '../cli-error.js';
import { flagsPathFor } from '../global-options.js';
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
  let retryAfter: number | undefined;
  if (opts.retryAfter !== undefined) {
    retryAfter = Number(opts.retryAfter);
    if (!Number.isFinite(retryAfter) || retryAfter < 0) throw new CliError(`--retry-after: expected seconds (a number ≥ 0), got '${opts.retryAfter}'`);
  }
  const runtime = await resolveRuntime({ flags: flagsPath });
  try {
    const meta: { reason?: string; actor?: string; retryAfter?: number } = {};
    if (opts.reason !== undefined) meta.reason = opts.reason;
    if (opts.actor !== undefined) meta.actor = opts.actor;
    if (retryAfter !== undefined) meta.retryAfter = retryAfter;
    const state = await runtime.state.setKillSwitch(name, killed, meta);
    const after = state.killSwitches[name]!;
    if (opts.json) {
      process.stdout.write(`${JSON.stringify({ switch: name, ...after })}\n`);
      return;
    }
    const wait = after.retryAfter ?? set.killSwitches.get(name)?.retryAfter ?? 300;
    const what = killed ? `killed ${name}: callers get 'Feature temporarily disabled', retry after ${wait} s` : `revived ${name}: the feature is on again`;
    process.stdout.write(`${what}\n  by ${after.actor ?? 'unknown'} at ${after.at}${after.reason ? ` — ${after.reason}` : ''}\n`);
  } finally {
    await runtime.close();
  }
}
