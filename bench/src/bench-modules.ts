import { fork } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { BenchOptions, BenchRow } from './report.js';
import { benchDir as here, entryExtension as extension, siblingEntry } from './sibling-entry.js';
const MODULE_NAME = /^(ai|core|redis|kill|serve)-.+$/;

/** The `ai-*`, `core-*`, `redis-*`, `kill-*` and `serve-*` bench modules next to the runner, sorted by name. */
export async function findBenchModules(filter?: string): Promise<string[]> {
  const files = await readdir(here);
  return files
    .filter((f) => f.endsWith(extension) && !f.endsWith('.d.ts') && MODULE_NAME.test(f.slice(0, -extension.length)))
    .filter((f) => filter === undefined || f.includes(filter))
    .sort()
    .map((f) => join(here, f));
}

/** Outcome of one module: its rows, or why it produced none. */
export interface ModuleOutcome {
  file: string;
  rows: BenchRow[];
  error?: string;
}

/**
 * Runs one module in its own Node process (same flags as the runner, so --expose-gc and the tsx loader
 * carry over): its heap and JIT state cannot skew the next module, and memory figures start clean.
 * The child's output goes to stderr so stdout stays a clean table.
 */
export function runBenchModule(file: string, options: BenchOptions, timeoutMs: number): Promise<ModuleOutcome> {
  return new Promise((resolve) => {
    const child = fork(siblingEntry('run-module'), [file, JSON.stringify(options)], {
      execArgv: process.execArgv,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    child.stdout?.pipe(process.stderr);
    child.stderr?.pipe(process.stderr);
    let rows: BenchRow[] | undefined;
    let error: string | undefined;
    const timer = setTimeout(() => {
      error = `timed out after ${timeoutMs / 1000} s`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('message', (message: { rows?: BenchRow[]; error?: string }) => {
      if (message.rows) rows = message.rows;
      if (message.error) error = message.error;
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (!rows && !error) error = `exited with ${signal ?? `code ${code}`} before reporting rows`;
      resolve({ file, rows: rows ?? [], ...(error !== undefined ? { error } : {}) });
    });
  });
}
