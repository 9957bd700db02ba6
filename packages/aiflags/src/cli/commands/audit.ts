import type { Command } from 'commander';
import type { AuditEntry } from '@aiflags/core';
import { resolveRuntime } from '../../runtime.js';
import { action, CliError } from '../cli-error.js';
import { flagsPathFor } from '../global-options.js';

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
        const runtime = await resolveRuntime({ flags: flagsPathFor(command) });
        try {
          const entries = await runtime.state.audit.list({ limit, ...(opts.target !== undefined ? { target: opts.target } : {}) });
          if (opts.json) {
            for (const e of entries) process.stdout.write(`${JSON.stringify(e)}\n`);
            return;
          }
          if (entries.length === 0) {
            process.stdout.write('no audit entries\n');
            return;
          }
          process.stdout.write(`${entries.map(formatEntry).join('\n')}\n`);
        } finally {
          await runtime.close();
        }
      }),
    );
}

/** One terminal line: time, actor, action, target, what changed, why. */
export function formatEntry(e: AuditEntry): string {
  const change = describeChange(e.after);
  return [e.at.replace(/\.\d+Z$/, 'Z'), e.actor, e.action, e.target, change, e.reason ? `— ${e.reason}` : ''].filter(Boolean).join('  ');
}

function describeChange(after: unknown): string {
  if (after === null || after === undefined) return '(removed)';
  if (typeof after !== 'object') return String(after);
  const a = after as Record<string, unknown>;
  const parts: string[] = [];
  if (typeof a['percentage'] === 'number') parts.push(`${a['percentage']} %`);
  if (typeof a['rolloutStep'] === 'number') parts.push(`step ${a['rolloutStep']}`);
  if (typeof a['rolloutStatus'] === 'string') parts.push(String(a['rolloutStatus']));
  if (typeof a['enabled'] === 'boolean') parts.push(a['enabled'] ? 'enabled' : 'disabled');
  if (typeof a['killed'] === 'boolean' && typeof a['retryAfter'] === 'number') parts.push(`retry after ${a['retryAfter']} s`);
  return parts.length ? `(${parts.join(', ')})` : '';
}
