import type { Command } from 'commander';
import type { FlagSet } from '@aiflags/core';
import { action, oneLine } from '../cli-error.js';
import { readFlagSet } from '../read-flag-set.js';

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** "flags.yaml: 7 flags, 2 segments, 1 kill switch — OK" */
export function summaryLine(file: string, set: FlagSet): string {
  return `${file}: ${plural(set.flags.size, 'flag', 'flags')}, ${plural(set.segments.size, 'segment', 'segments')}, ${plural(set.killSwitches.size, 'kill switch', 'kill switches')} — OK`;
}

export function register(program: Command): void {
  program
    .command('validate')
    .description('check a flag file; exit 1 with one line naming file, flag and field when it is bad')
    .argument('<file>', 'the flag file (YAML or JSON)')
    .option('--json', 'print the result as JSON')
    .action(
      action(async (file: string, options: { json?: boolean }) => {
        let set: FlagSet;
        try {
          set = await readFlagSet(file);
        } catch (error) {
          const e = error as Error & { flag?: string; segment?: string; killSwitch?: string; field?: string };
          const line = oneLine(error);
          if (options.json) {
            const where = { flag: e.flag, segment: e.segment, killSwitch: e.killSwitch, field: e.field };
            process.stdout.write(`${JSON.stringify({ file, ok: false, error: { message: line, ...where } })}\n`);
          } else {
            process.stderr.write(`${line}\n`);
          }
          process.exitCode = 1;
          return;
        }
        if (options.json) {
          const counts = { flags: set.flags.size, segments: set.segments.size, killSwitches: set.killSwitches.size };
          process.stdout.write(`${JSON.stringify({ file, ok: true, id: set.id, version: set.version, ...counts })}\n`);
        } else {
          process.stdout.write(`${summaryLine(file, set)}\n`);
        }
      }),
    );
}
