/**
 * Child-process entry for one bench module: `run-module <file> <options JSON>`. Calls the module's
 * `run(options)` (or every exported function named `run…`) and sends the collected BenchRows to the parent.
 */
import { pathToFileURL } from 'node:url';
import type { BenchModuleRun, BenchOptions, BenchRow } from './report.js';

async function main(): Promise<void> {
  const [file, optionsJson] = process.argv.slice(2);
  if (!file || !process.send) throw new Error('run-module: start me through bench-modules.ts with a module path');
  const options = JSON.parse(optionsJson ?? '{"quick":false}') as BenchOptions;
  const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const runners =
    typeof mod.run === 'function'
      ? [mod.run as BenchModuleRun]
      : Object.entries(mod)
          .filter(([name, value]) => /^run[A-Z]/.test(name) && typeof value === 'function')
          .map(([, value]) => value as BenchModuleRun);
  if (runners.length === 0) throw new Error(`${file} exports no run function`);
  const rows: BenchRow[] = [];
  for (const run of runners) rows.push(...(await run(options)));
  await send({ rows });
}

function send(message: { rows?: BenchRow[]; error?: string }): Promise<void> {
  return new Promise((resolve) => process.send!(message, () => resolve()));
}

// Modules may leave sockets or timers open; once the message is flushed there is nothing left to wait for.
main().then(
  () => process.exit(0),
  async (error: unknown) => {
    if (process.send) await send({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    else console.error(error);
    process.exit(1);
  },
);
