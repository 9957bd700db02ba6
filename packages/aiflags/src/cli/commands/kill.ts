import type { Command } from 'commander';
import { DEFAULT_RETRY_AFTER_S, MAX_RETRY_AFTER_S, RetryAfterSchema, type InstanceRecord } from '@aiflags/core';
import { watchDelivery, type DeliveryReport, type DeliveryWait } from '@aiflags/provider';
import { withRuntime } from '../../runtime.js';
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
    .option('--json', 'print the new switch state and who confirmed it as JSON')
    .option('--wait <seconds>', `how long to wait for every running instance to confirm (default ${DEFAULT_WAIT_S})`)
    .option('--no-wait', 'write the change and do not wait for confirmations')
    .action(
      action(async (name: string, opts: KillSwitchChangeOptions, command: Command) => {
        await changeKillSwitch(flagsPathFor(command), name, true, opts);
      }),
    );
}

/** Seconds `aiflags kill|revive` waits for confirmations by default. */
export const DEFAULT_WAIT_S = 2;

/** Exit code when the change is written but not every running instance confirmed it (or none reads the store). */
export const EXIT_UNCONFIRMED = 2;

export interface KillSwitchChangeOptions {
  reason?: string;
  retryAfter?: string;
  actor?: string;
  json?: boolean;
  /** Seconds as typed, or false for --no-wait. */
  wait?: string | boolean;
}

/**
 * Kills or revives a switch in the live state shared with every process, after checking the switch
 * exists in the flag file: a typo must fail loudly, not "kill" a switch nobody reads.
 */
export async function changeKillSwitch(flagsPath: string, name: string, killed: boolean, opts: KillSwitchChangeOptions): Promise<void> {
  const set = await readFlagSet(flagsPath);
  if (!set.killSwitches.has(name)) {
    const known = [...set.killSwitches.keys()];
    const hint = set.flags.has(name)
      ? ` ('${name}' is a flag, not a kill switch)`
      : known.length
        ? ` (known: ${known.join(', ')})`
        : ' (the file has no killSwitches section)';
    throw new CliError(`${flagsPath}: no kill switch '${name}'${hint}`);
  }
  const retryAfter = opts.retryAfter !== undefined ? parseRetryAfter(opts.retryAfter) : undefined;
  const waitS = parseWait(opts.wait);
  await withRuntime({ flags: flagsPath }, async (runtime) => {
    let delivery: DeliveryWait | undefined;
    try {
      // Listening starts before the write, so a fast instance's confirmation cannot slip past.
      delivery = waitS === undefined ? undefined : await watchDelivery(runtime.presence);
      const startedAt = performance.now();
      const meta: { reason?: string; actor?: string; retryAfter?: number } = {};
      if (opts.reason !== undefined) meta.reason = opts.reason;
      meta.actor = opts.actor ?? runtime.spec.actor;
      if (retryAfter !== undefined) meta.retryAfter = retryAfter;
      const state = await runtime.state.setKillSwitch(name, killed, meta);
      const after = state.killSwitches[name]!;
      const report = delivery && waitS !== undefined ? await delivery.until(state.version, waitS * 1000, startedAt) : undefined;
      const store = runtime.spec.storeLabel;
      if (report !== undefined && !deliveryConfirmed(report)) process.exitCode = EXIT_UNCONFIRMED;
      if (opts.json) {
        process.stdout.write(`${printableJson({ switch: name, ...after, store, layer: layerOf(runtime.spec.backend), instances: deliveryJson(report) })}\n`);
        return;
      }
      const wait = after.retryAfter ?? set.killSwitches.get(name)?.retryAfter ?? DEFAULT_RETRY_AFTER_S;
      const shown = printable(name);
      const what = killed ? `killed ${shown}: callers get 'Feature temporarily disabled', retry after ${wait} s` : `revived ${shown}: the feature is on again`;
      // The reason and actor are free text from the command line: escaped, so they cannot forge a line or drive the terminal.
      process.stdout.write(
        `${what}\n  by ${printable(after.actor ?? 'unknown')} at ${printable(after.at)}${after.reason ? ` — ${printable(after.reason)}` : ''}\n`,
      );
      printDelivery(report, store, waitS);
    } finally {
      await delivery?.stop();
    }
  });
}

/**
 * What a live-state change reached, for a person: nothing when not waited for (--no-wait), the applied
 * line, and on stderr who did not confirm or that no instance reads the store (the exit code is set by
 * the caller from the same report).
 */
export function printDelivery(report: DeliveryReport | undefined, store: string, waitS: number | undefined): void {
  if (report === undefined) {
    process.stdout.write(`  written to ${printable(store)}; not waiting for confirmation (--no-wait)\n`);
    return;
  }
  if (report.confirmed > 0) process.stdout.write(`  ${appliedLine(report)}\n`);
  if (report.total === 0) {
    process.stderr.write(
      `aiflags: no instance reads this store: the change is written to ${printable(store)}, but no running process announced itself there. ` +
        `Check that the app runs with the same REDIS_URL, AIFLAGS_ENV and flag file (see \`aiflags instances\`)\n`,
    );
  } else if (report.missing.length > 0) {
    const names = report.missing.map((m) => printable(`${m.app} pid ${m.pid} on ${m.host}`)).join(', ');
    process.stderr.write(
      `aiflags: ${report.missing.length} of ${report.total} instances did not confirm version ${report.version} within ${waitS} s: ${names}. ` +
        `The change is written to ${printable(store)}; they apply it when they read the store again\n`,
    );
  }
}

/** The `instances` part of a --json answer: who confirmed, who did not. */
export function deliveryJson(report: DeliveryReport | undefined) {
  return report
    ? {
        confirmed: report.confirmed,
        total: report.total,
        slowestMs: report.slowestMs === undefined ? null : round(report.slowestMs),
        missing: report.missing.map(describe),
      }
    : null;
}

/** Confirmed when at least one instance reads the store and every one of them confirmed. */
export function deliveryConfirmed(report: DeliveryReport | undefined): boolean {
  return report !== undefined && report.total > 0 && report.missing.length === 0;
}

/** `applied by 12 of 12 instances in 9 ms (slowest: web-3 pid 4411)`. */
function appliedLine(report: DeliveryReport): string {
  const slowest = report.slowest ? ` (slowest: ${printable(report.slowest.app)} pid ${report.slowest.pid})` : '';
  return `applied by ${report.confirmed} of ${report.total} instance${report.total === 1 ? '' : 's'} in ${round(report.slowestMs ?? 0)} ms${slowest}`;
}

function describe(record: InstanceRecord): { id: string; app: string; host: string; pid: number; liveStateVersion: number } {
  return { id: record.id, app: record.app, host: record.host, pid: record.pid, liveStateVersion: record.liveStateVersion };
}

/** Which layer a kill changes: the local provider's live state, or the overlay over a vendor backend. */
export function layerOf(backend: string): string {
  return backend === 'local' ? 'live state (local provider)' : `aiflags live-state overlay over ${backend}`;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** `--wait <s>` (default 2) or `--no-wait` (undefined: do not wait). */
export function parseWait(wait: string | boolean | undefined): number | undefined {
  if (wait === false) return undefined;
  if (wait === undefined || wait === true) return DEFAULT_WAIT_S;
  const seconds = /^\d+(\.\d+)?$/.test(wait) ? Number(wait) : NaN;
  if (!Number.isFinite(seconds) || seconds > 3600) throw new CliError(`--wait: expected seconds from 0 to 3600, got '${wait}'`);
  return seconds;
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
