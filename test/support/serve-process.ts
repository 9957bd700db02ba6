/** `aiflags serve` as its own process, run from source as a user would from a shell. */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type ServerProcess, spawnServer } from '@aiflags/testing';

const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'packages', 'aiflags', 'src', 'cli.ts');
const TSX = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

export type ServeProcess = ServerProcess;

/** Starts `aiflags serve --port 0 ...args` and resolves once it prints the URL it listens on. */
export function startServeProcess(args: string[], env: Record<string, string> = {}, limitMs = 30_000): Promise<ServeProcess> {
  return spawnServer(
    ['--import', TSX, '--conditions=source', CLI, 'serve', '--port', '0', ...args],
    { cwd: ROOT, env: { REDIS_URL: '', AIFLAGS_SERVE_TOKEN: '', AIFLAGS_SERVE_WRITE_TOKEN: '', ...env }, url: /OFREP on (http:\/\/[^\s]+) / },
    limitMs,
  );
}
