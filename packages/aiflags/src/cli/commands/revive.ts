import type { Command } from 'commander';
import { action } from '../cli-error.js';
import { flagsPathFor } from '../global-options.js';
import { changeKillSwitch } from './kill.js';

/** `aiflags revive <switch>`: switches a killed switch back on. */
export function register(program: Command): void {
  program
    .command('revive')
    .description('switch a killed kill switch back on')
    .argument('<switch>', 'kill switch key from the killSwitches section')
    .option('--reason <text>', 'why; recorded in the audit log')
    .option('--actor <name>', 'who; default: the OS user')
    .option('--json', 'print the new switch state as JSON')
    .action(
      action(async (name: string, opts: { reason?: string; actor?: string; json?: boolean }, command: Command) => {
        await changeKillSwitch(flagsPathFor(command), name, false, opts);
      }),
    );
}
