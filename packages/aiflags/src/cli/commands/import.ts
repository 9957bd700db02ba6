import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { flagFileFromFlagd, validateFlags } from '@aiflags/core';
import { readFlagFileBytes } from '@aiflags/provider';
import { action, CliError } from '../cli-error.js';

export function register(program: Command): void {
  program
    .command('import')
    .description('translate a flagd flag file to an aiflags flag file; refuses what aiflags cannot express, naming flag and field')
    .argument('<file>', 'the flagd flag file (JSON)')
    .requiredOption('--from <format>', 'flagd')
    .option('--out <file>', 'write the YAML here instead of stdout')
    .action(
      action(async (file: string, options: { from: string; out?: string }) => {
        if (options.from !== 'flagd') throw new CliError(`import: --from ${options.from}: expected flagd`);
        const bytes = await readFlagFileBytes(file);
        let doc: unknown;
        try {
          doc = JSON.parse(bytes.toString('utf8'));
        } catch (error) {
          throw new CliError(`${file}: not JSON: ${(error as Error).message}`);
        }
        const flags = flagFileFromFlagd(doc, file);
        // The written file must load: the same checks as any flag file.
        validateFlags(flags, options.out ?? file);
        const yaml = `# Imported from ${file} (flagd) by aiflags import\n${stringify(flags, { lineWidth: 0 })}`;
        if (options.out !== undefined) await writeFile(options.out, yaml);
        else process.stdout.write(yaml);
      }),
    );
}
