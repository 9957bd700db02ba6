/** `aiflags serve` as its own process, run from source as a user would from a shell. */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'packages', 'aiflags', 'src', 'cli.ts');
const TSX = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

export interface ServeProcess {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `aiflags serve --port 0 ...args` and resolves once it prints the URL it listens on. */
export function startServeProcess(args: string[], env: Record<string, string> = {}, limitMs = 30_000): Promise<ServeProcess> {
  const child = spawn(process.execPath, ['--import', TSX, '--conditions=source', CLI, 'serve', '--port', '0', ...args], {
    cwd: ROOT,
    env: { ...process.env, REDIS_URL: '', AIFLAGS_SERVE_TOKEN: '', AIFLAGS_SERVE_WRITE_TOKEN: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`aiflags serve printed no URL in ${limitMs} ms; stdout: ${out} stderr: ${err}`));
    }, limitMs);
    child.stderr?.on('data', (chunk) => {
      err += chunk;
    });
    child.stdout?.on('data', (chunk) => {
      out += chunk;
      const url = /OFREP on (http:\/\/[^\s]+) /.exec(out)?.[1];
      if (url === undefined) return;
      clearTimeout(timer);
      resolve({ url, child, stop });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`aiflags serve exited with ${code}; stderr: ${err}`));
    });
  });
}
