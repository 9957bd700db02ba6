import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const instanceScript = fileURLToPath(new URL('../fixtures/redis-instance.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** A JSON line written by fixtures/redis-instance.ts. */
export interface InstanceMessage {
  type: 'ready' | 'change' | 'stopped' | 'log';
  at?: number;
  version?: number;
  killed?: Record<string, boolean>;
  sent?: number;
  stats?: { dropped: number; pending: number } | null;
  m?: string;
}

/** One child process running fixtures/redis-instance.ts with its own stores. */
export class Instance {
  readonly messages: InstanceMessage[] = [];
  private waiters: Array<() => void> = [];

  constructor(readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        this.messages.push(JSON.parse(line) as InstanceMessage);
      } catch {
        return;
      }
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  /** The latest switch states this instance reported. */
  killed(): Record<string, boolean> {
    for (let i = this.messages.length - 1; i >= 0; i--) {
      const killed = this.messages[i]!.killed;
      if (killed) return killed;
    }
    return {};
  }

  /** Resolves with the first message (from `from` on) matching `match`; rejects after `timeoutMs`. */
  async waitFor(match: (m: InstanceMessage) => boolean, timeoutMs = 10_000, from = 0): Promise<InstanceMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.slice(from).find(match);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0 || this.child.exitCode !== null) {
        throw new Error(`instance ${this.child.pid}: no matching message within ${timeoutMs} ms; got ${JSON.stringify(this.messages.slice(-5))}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  send(line: string): void {
    this.child.stdin!.write(`${line}\n`);
  }

  /** Asks the instance to exit, killing it if it has not within 5 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.send('exit');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}

/** Starts `count` instances (`node --import tsx --conditions=source fixtures/redis-instance.ts`) and waits until each has loaded the state. */
export async function startInstances(count: number, env: Record<string, string>): Promise<Instance[]> {
  const instances = Array.from({ length: count }, () => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', instanceScript], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    return new Instance(child);
  });
  await Promise.all(instances.map((i) => i.waitFor((m) => m.type === 'ready', 300_000)));
  return instances;
}
