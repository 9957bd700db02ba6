import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { exportToFlagd, type ExportResult, type FlagSet } from '@aiflags/core';
import { action, CliError } from '../cli-error.js';
import { flagsPathFor } from '../global-options.js';
import { readFlagSet } from '../read-flag-set.js';

type Exporter = (set: FlagSet) => ExportResult;
type Target = 'launchdarkly' | 'unleash' | 'flagsmith' | 'flagd';
const TARGETS: readonly string[] = ['launchdarkly', 'unleash', 'flagsmith', 'flagd'];

/** The exporter of each target, loaded on demand so the CLI starts without the vendor packages. */
async function exporterFor(target: Target): Promise<Exporter> {
  if (target === 'flagd') return exportToFlagd;
  if (target === 'launchdarkly') return (await import('@aiflags/launchdarkly')).exportToLaunchDarkly;
  if (target === 'flagsmith') return (await import('@aiflags/flagsmith')).exportToFlagsmith;
  return (await import('@aiflags/unleash')).exportToUnleash;
}

export function register(program: Command): void {
  program
    .command('export')
    .description('translate a flag file to LaunchDarkly, Unleash, Flagsmith or flagd; lists what the target cannot express')
    .argument('[file]', 'the flag file (YAML or JSON); default: --flags, $AIFLAGS_FLAGS or ./flags.yaml')
    .requiredOption('--to <target>', 'launchdarkly | unleash | flagsmith | flagd')
    .option('--lossy', 'export even when some settings cannot be expressed (they are listed on stderr)')
    .option('--out <file>', 'write the JSON here instead of stdout')
    .action(
      action(async (fileArg: string | undefined, options: { to: string; lossy?: boolean; out?: string }, command: Command) => {
        const file = fileArg ?? flagsPathFor(command);
        if (!TARGETS.includes(options.to)) {
          throw new CliError(`export: --to ${options.to}: expected launchdarkly, unleash, flagsmith or flagd`);
        }
        const set = await readFlagSet(file);
        const exporter = await exporterFor(options.to as Target);
        const { data, problems } = exporter(set);
        for (const p of problems) process.stderr.write(`${file}: flag '${p.flag}', field '${p.field}': ${p.message}\n`);
        if (problems.length > 0 && !options.lossy) {
          process.stderr.write(`${file}: ${problems.length} setting(s) cannot be expressed in ${options.to}; nothing exported (--lossy exports anyway)\n`);
          process.exitCode = 1;
          return;
        }
        const json = `${JSON.stringify(data, null, 2)}\n`;
        if (options.out !== undefined) await writeFile(options.out, json);
        else process.stdout.write(json);
      }),
    );
}
