import type { Command } from 'commander';
import { FileStateStore } from '@aiflags/file';
import { withRuntime } from '../../runtime.js';
import { action, CliError } from '../cli-error.js';
import { flagsPathFor } from '../global-options.js';

/** `aiflags state repair`: makes an unreadable `.aiflags/state.json` readable again, so kill/revive can write. */
export function register(program: Command): void {
  const state = program.command('state').description('inspect and repair the live state kept in .aiflags/');
  state
    .command('repair')
    .description('restore an unreadable state.json from state.last-good.json, or rebuild it from audit.jsonl')
    .option('--from <source>', "'last-good' or 'audit-log' (default: the last good copy when readable, else the audit log)")
    .option('--actor <name>', 'who; recorded in the audit log (default: the OS user)')
    .option('--json', 'print what was done as JSON')
    .action(
      action(async (opts: { from?: string; actor?: string; json?: boolean }, command: Command) => {
        const from = opts.from;
        if (from !== undefined && from !== 'last-good' && from !== 'audit-log') {
          throw new CliError(`--from: expected 'last-good' or 'audit-log', got '${from}'`);
        }
        await withRuntime({ flags: flagsPathFor(command) }, async (runtime) => {
          if (!(runtime.state instanceof FileStateStore)) {
            throw new CliError('aiflags state repair: the live state is in Redis (REDIS_URL is set), which keeps no state file to repair');
          }
          const store = runtime.state;
          const result = await store.repair({
            ...(from !== undefined ? { from } : {}),
            ...(opts.actor !== undefined ? { actor: opts.actor } : {}),
          });
          if (opts.json) {
            process.stdout.write(`${JSON.stringify({ file: store.statePath, ...result })}\n`);
            return;
          }
          const { state } = result;
          const summary = `${Object.keys(state.killSwitches).length} kill switch(es), ${Object.keys(state.flags).length} flag override(s)`;
          if (result.source === 'none') {
            process.stdout.write(`nothing to repair: ${store.statePath} is readable (version ${state.version}, ${summary})\n`);
            return;
          }
          const source = result.source === 'last-good' ? `the last good copy ${store.lastGoodPath}` : `the audit log ${store.audit.path}`;
          const killed = Object.entries(state.killSwitches)
            .filter(([, s]) => s.killed)
            .map(([name]) => name);
          process.stdout.write(
            `repaired ${store.statePath} from ${source}: version ${state.version}, ${summary}` +
              `${killed.length ? `; killed: ${killed.join(', ')}` : ''}\n` +
              `${result.keptAs ? `  the unreadable file is kept as ${result.keptAs}\n` : ''}`,
          );
        });
      }),
    );
}
