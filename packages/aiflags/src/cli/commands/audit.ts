import { stat } from 'node:fs/promises';
import type { Command } from 'commander';
import type { AuditEntry } from '@aiflags/core';
import { withRuntime } from '../../runtime.js';
import { action, CliError } from '../cli-error.js';
import { flagsPathFor } from '../global-options.js';
import { printable, printableJson } from '../printable.js';

/** `aiflags audit`: who changed what in the live state, when and why, newest first. */
export function register(program: Command): void {
  program
    .command('audit')
    .description('show the audit log of live-state changes (kill, revive, rollout steps), newest first')
    .option('--limit <n>', 'most entries to show', '20')
    .option('--target <key>', 'only entries about this flag or switch')
    .option('--json', 'one JSON object per line')
    .action(
      action(async (opts: { limit: string; target?: string; json?: boolean }, command: Command) => {
        const limit = Number(opts.limit);
        if (!Number.isInteger(limit) || limit < 1) throw new CliError(`--limit: expected a whole number ≥ 1, got '${opts.limit}'`);
        const flagsPath = flagsPathFor(command);
        await requireFlagFile(flagsPath);
        await withRuntime({ flags: flagsPath }, async (runtime) => {
          const options = { limit, ...(opts.target !== undefined ? { target: opts.target } : {}) };
          const audit = runtime.state.audit;
          const { entries, skipped } = audit.read ? await audit.read(options) : { entries: await audit.list(options), skipped: 0 };
          // On stderr, so `--json` output stays one entry per line.
          if (skipped > 0) process.stderr.write(`audit: skipped ${skipped} unreadable ${skipped === 1 ? 'entry' : 'entries'} in the audit log\n`);
          if (opts.json) {
            for (const e of entries) process.stdout.write(`${printableJson(e)}\n`);
            return;
          }
          if (entries.length === 0) {
            process.stdout.write('no audit entries\n');
            return;
          }
          process.stdout.write(`${entries.map(formatEntry).join('\n')}\n`);
        });
      }),
    );
}

/**
 * The live state lives beside the flag file, and opening it creates `.aiflags/`: a mistyped `--flags`
 * must fail naming the path, not leave an empty state folder there.
 */
async function requireFlagFile(flagsPath: string): Promise<void> {
  try {
    await stat(flagsPath);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(
      `${flagsPath}: ${code === 'ENOENT' || code === 'ENOTDIR' ? 'file not found' : `cannot read the file (${code})`} (the audit log is kept beside the flag file)`,
    );
  }
}

/** One terminal line: time, actor, action, target, what changed, why; every field escaped, since anyone who can write the log wrote them. */
export function formatEntry(e: AuditEntry): string {
  const change = describeChange(e.after);
  const fields = [String(e.at).replace(/\.\d+Z$/, 'Z'), e.actor, e.action, e.target, change, e.reason ? `— ${e.reason}` : ''];
  return fields.filter(Boolean).map(printable).join('  ');
}

function describeChange(after: unknown): string {
  if (after === null || after === undefined) return '(removed)';
  if (typeof after !== 'object') return String(after);
  const a = after as Record<string, unknown>;
  const parts: string[] = [];
  if (typeof a['percentage'] === 'number') parts.push(`${a['percentage']} %`);
  if (typeof a['rolloutStep'] === 'number') parts.push(`step ${a['rolloutStep']}`);
  if (typeof a['rolloutStatus'] === 'string') parts.push(String(a['rolloutStatus']));
  if (typeof a['rolloutStage'] === 'string') parts.push(`stage ${a['rolloutStage']}`);
  if (Array.isArray(a['skippedStages']) && a['skippedStages'].length > 0) parts.push(`skipped ${a['skippedStages'].join(', ')}`);
  if (typeof a['enabled'] === 'boolean') parts.push(a['enabled'] ? 'enabled' : 'disabled');
  if (typeof a['killed'] === 'boolean' && typeof a['retryAfter'] === 'number') parts.push(`retry after ${a['retryAfter']} s`);
  return parts.length ? `(${parts.join(', ')})` : '';
}
