import { fork, type ChildProcess } from 'node:child_process';
import type { SkippedContender } from './contender.js';
import type { WorkerReply, WorkerRequest, WorkerSpec } from './contender-protocol.js';
import { siblingEntry } from './sibling-entry.js';

/** One timed batch, per evaluation: process CPU ns, wall-clock ns, and how many users got `true`. */
export interface BatchTiming {
  cpuNs: number;
  wallNs: number;
  hits: number;
}

/** A contender living in its own worker process, driven one batch at a time. */
export interface ContenderHandle {
  name: string;
  kind: SkippedContender['kind'];
  /** Percent of users expected to get `true`. */
  expectedPercent: number;
  batch(): Promise<BatchTiming>;
  close(): Promise<void>;
}

/** Replies of `child` in order; rejects the waiting caller if the child dies first. */
function replies(child: ChildProcess, label: string): () => Promise<WorkerReply> {
  const queue: WorkerReply[] = [];
  let waiting: { resolve: (r: WorkerReply) => void; reject: (e: Error) => void } | undefined;
  let exited: Error | undefined;
  child.on('message', (message: WorkerReply) => {
    if (waiting) {
      const w = waiting;
      waiting = undefined;
      w.resolve(message);
    } else queue.push(message);
  });
  child.on('exit', (code, signal) => {
    exited = new Error(`${label}: worker exited (${signal ?? `code ${code}`})`);
    waiting?.reject(exited);
    waiting = undefined;
  });
  return () => {
    const queued = queue.shift();
    if (queued) return Promise.resolve(queued);
    if (exited) return Promise.reject(exited);
    return new Promise((resolve, reject) => (waiting = { resolve, reject }));
  };
}

/** Starts the worker for `spec.id` and waits until its contender is set up (or reports why it cannot be). */
export async function startContender(spec: WorkerSpec): Promise<ContenderHandle | SkippedContender> {
  const child = fork(siblingEntry('contender-worker'), [JSON.stringify(spec)], {
    execArgv: process.execArgv,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  child.stdout?.pipe(process.stderr);
  child.stderr?.pipe(process.stderr);
  const next = replies(child, spec.id);
  const send = (request: WorkerRequest) => child.send(request);
  const first = await next().catch((error: Error): WorkerReply => ({ type: 'error', message: error.message }));
  if (first.type === 'skipped') return { name: first.name, kind: first.kind, skipped: first.reason };
  if (first.type !== 'ready') {
    child.kill();
    const reason = first.type === 'error' ? first.message.split('\n')[0]! : `unexpected reply ${first.type}`;
    return { name: spec.id, kind: spec.id.startsWith('openfeature') ? 'openfeature' : 'raw', skipped: `setup failed: ${reason}` };
  }
  return {
    name: first.name,
    kind: first.kind,
    expectedPercent: first.expectedPercent,
    async batch() {
      send({ type: 'batch' });
      const r = await next();
      if (r.type !== 'batch') throw new Error(`${first.name}: ${r.type === 'error' ? r.message : `unexpected reply ${r.type}`}`);
      return { cpuNs: r.cpuNs, wallNs: r.wallNs, hits: r.hits };
    },
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      send({ type: 'close' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
