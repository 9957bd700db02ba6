import type { Command } from 'commander';
import type TS from 'typescript';
import { checkKeys } from '../../check/check-keys.js';
import { findKeyUses, type KeyScan } from '../../check/find-key-uses.js';
import { action, CliError } from '../cli-error.js';
import { flagsPathFor } from '../global-options.js';
import { printable, printableJson } from '../printable.js';
import { readFlagSet } from '../read-flag-set.js';

/** `aiflags check <src…>`: the keys the code uses against the flag file; exit 1 on a missing key or a wrong type. */
export function register(program: Command): void {
  program
    .command('check')
    .description(
      'find the flag and switch keys the code uses (guard/model/prompt/variant/get*Value calls); exit 1 on keys the flag file lacks, list flags no code reads',
    )
    .argument('<src...>', 'source directories or files (TypeScript and JavaScript; node_modules and dist are skipped)')
    .option('--json', 'print { flags, files, keysUsed, problems, stale, dynamic } as JSON')
    .action(
      action(async (sources: string[], opts: { json?: boolean }, command: Command) => {
        const flagsPath = flagsPathFor(command);
        const set = await readFlagSet(flagsPath);
        const ts = await loadTypeScript();
        const scan: KeyScan = { files: 0, uses: [], dynamic: [] };
        for (const source of sources) {
          let part: KeyScan;
          try {
            part = await findKeyUses(ts, source);
          } catch (error) {
            const code = (error as NodeJS.ErrnoException).code;
            throw new CliError(code === 'ENOENT' ? `${source}: no such file or directory` : `${source}: cannot read (${code ?? (error as Error).message})`);
          }
          scan.files += part.files;
          scan.uses.push(...part.uses);
          scan.dynamic.push(...part.dynamic);
        }
        const result = checkKeys(set, scan);
        if (result.problems.length > 0) process.exitCode = 1;
        if (opts.json) {
          process.stdout.write(
            `${printableJson({ flags: flagsPath, files: scan.files, keysUsed: result.keysUsed, problems: result.problems, stale: result.stale, dynamic: scan.dynamic })}\n`,
          );
          return;
        }
        const lines = result.problems.map((p) => p.message);
        if (result.stale.length > 0) lines.push(`not read by any checked code (stale?): ${result.stale.join(', ')}`);
        if (scan.dynamic.length > 0) {
          const first = scan.dynamic[0]!;
          lines.push(
            `${scan.dynamic.length} ${scan.dynamic.length === 1 ? 'call has' : 'calls have'} a computed key and ${scan.dynamic.length === 1 ? 'was' : 'were'} not checked (first: ${first.file}:${first.line}:${first.column} ${first.call})`,
          );
        }
        const problems = `${result.problems.length} ${result.problems.length === 1 ? 'problem' : 'problems'}`;
        lines.push(
          `${flagsPath}: ${result.keysUsed} keys used in ${scan.files} files, ${problems}, ${result.stale.length} not read — ${result.problems.length > 0 ? 'FAILED' : 'OK'}`,
        );
        process.stdout.write(`${lines.map(printable).join('\n')}\n`);
      }),
    );
}

/** The TypeScript compiler is an optional peer: `aiflags check` alone needs it. */
async function loadTypeScript(): Promise<typeof TS> {
  try {
    const mod = (await import('typescript')) as typeof TS & { default?: typeof TS };
    return mod.default ?? mod;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new CliError(
        'aiflags check needs the TypeScript compiler (an optional peer dependency), which is not installed: npm install --save-dev typescript',
      );
    }
    throw error;
  }
}
