import type { Command } from 'commander';
import { action } from '../cli-error.js';
import { flagsPathFor } from '../global-options.js';
import { changeKillSwitch, DEFAULT_WAIT_S, type KillSwitchChangeOptions } from './kill.js';

/** `aiflags revive <switch>`: switches a killed switch back on. */
export function register(program: Command): void {
  program
    .command('revive')
    .description('switch a killed kill switch back on')
    .argument('<switch>', 'kill switch key from the killSwitches section')
    .option('--reason <text>', 'why; recorded in the audit log')
    .option('--actor <name>', 'who; default: the OS user')
    .option('--json', 'print the new switch state and who confirmed it as JSON')
    .option('--wait <seconds>', `how long to wait for every running instance to confirm (default ${DEFAULT_WAIT_S})`)
    .option('--no-wait', 'write the change and do not wait for confirmations')
    .action(
      action(async (name: string, opts: KillSwitchChangeOptions, command: Command) => {
        await changeKillSwitch(flagsPathFor(command), name, false, opts);
      }),
    );
}
