import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

const ROOT = join(import.meta.dirname, '..', '..');
const APP = join(import.meta.dirname, 'flag-app.ts');
const TSX = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

export interface AppMessage {
  type: string;
  pid?: number;
  id?: string | null;
  key?: string;
  result?: unknown;
  [field: string]: unknown;
}

/** One running test/support/flag-app.ts. */
export class FlagApp {
  readonly messages: AppMessage[] = [];
  private waiters: Array<() => void> = [];
  readonly exited: Promise<void>;

  constructor(readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        this.messages.push(JSON.parse(line) as AppMessage);
      } catch {
        return;
      }
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  get pid(): number {
    return this.child.pid!;
  }

  async waitFor(match: (m: AppMessage) => boolean, timeoutMs = 20_000, from = 0): Promise<AppMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.slice(from).find(match);
      if (found) return found;
      if (Date.now() > deadline || this.child.exitCode !== null)
        throw new Error(`app ${this.child.pid}: no matching message; got ${JSON.stringify(this.messages.slice(-3))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 100);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** The guard result for `key` as this process sees it now. */
  async guard(key: string): Promise<unknown> {
    const from = this.messages.length;
    this.child.stdin!.write(`guard ${key}\n`);
    return (await this.waitFor((m) => m.type === 'guard' && m.key === key, 10_000, from)).result;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGCONT');
    this.child.stdin!.write('exit\n');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(timer);
  }
}

/** Starts `count` app processes with `env` (names app-0, app-1, … unless AIFLAGS_APP_NAME is set) and waits until each is ready. */
export async function startApps(count: number, env: Record<string, string>, name = 'app'): Promise<FlagApp[]> {
  const apps = Array.from({ length: count }, (_, i) => {
    const child = spawn(process.execPath, ['--import', TSX, '--conditions=source', APP], {
      cwd: ROOT,
      env: { ...process.env, AIFLAGS_APP_NAME: `${name}-${i}`, ...env },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    return new FlagApp(child);
  });
  await Promise.all(apps.map((a) => a.waitFor((m) => m.type === 'ready', 120_000)));
  return apps;
}
