import { writeFile } from 'node:fs/promises';
import { CliError } from './cli-error.js';
import { printable } from './printable.js';

/** Writes an `--html <file>` report; a one-line CliError naming the file when it cannot. */
export async function writeHtmlReport(file: string, html: string): Promise<void> {
  await writeFile(file, html).catch((error: Error) => {
    throw new CliError(`--html ${printable(file)}: cannot write the report (${error.message})`);
  });
}
