import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** A server process a test or bench talks to: its base URL, the lines it wrote on stderr, and a way to stop it. */
export interface ServerProcess {
  url: string;
  pid: number;
  child: ChildProcess;
  stderrLines: string[];
  stop(): Promise<void>;
}

/**
 * Spawns `node ...args` and resolves with the URL it prints on stdout: the first `http://…`, or the first
 * capture of `options.url`. SIGTERM stops it (SIGKILL after 5 s).
 */
export function spawnServer(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; url?: RegExp }, limitMs = 60_000): Promise<ServerProcess> {
  const urlPattern = options.url ?? /(http:\/\/[^\s)]+)/;
  const child: ChildProcess = spawn(process.execPath, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const stderrLines: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => stderrLines.push(line));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${args.at(-1)}: no URL on stdout in ${limitMs} ms; stderr: ${stderrLines.slice(-3).join(' | ')}`));
    }, limitMs);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const url = urlPattern.exec(line)?.[1];
      if (url === undefined) return;
      clearTimeout(timer);
      resolve({ url, pid: child.pid!, child, stderrLines, stop });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(' ')} exited with ${code}; stderr: ${stderrLines.slice(-3).join(' | ')}`));
    });
  });
}
