/**
 * Parses a flag file without blocking the event loop: a worker thread reads, checks and compiles it, and
 * this thread compiles the checked file again in slices (compiled programs are functions, which cannot
 * cross threads). A reload of 100k flags on a live server then never holds the loop for long.
 */
import { Worker } from 'node:worker_threads';
import { compileCheckedFlagsInSlices, FlagConfigError, parseFlags, type FlagFile, type FlagInput, type FlagSet } from '@aiflags/core';
import type { ParseReply } from './parse-protocol.js';

/** Files smaller than this (bytes) are parsed in place: a worker costs more than it saves (~1 ms of parsing). */
export const OFF_THREAD_MIN_BYTES = 64 * 1024;

/** How a flag file was parsed: in a worker thread, or on the calling thread. */
export type ParsedWhere = 'worker' | 'main';

/**
 * The worker's compiled entry. Under the TypeScript sources (tests, `--conditions=source`) this module is a
 * `.ts` file and the worker runs the built JavaScript beside it in dist.
 */
function workerUrl(): URL {
  const here = import.meta.url;
  return here.endsWith('.ts') ? new URL('../../dist/source/parse-worker.js', here) : new URL('./parse-worker.js', here);
}

/** parseFlags for a file's bytes, off this thread when the file is large. Throws FlagConfigError like parseFlags. */
export async function parseFlagsOffThread(bytes: Uint8Array, file: string, options: { minBytes?: number } = {}): Promise<{ set: FlagSet; where: ParsedWhere }> {
  if (bytes.byteLength < (options.minBytes ?? OFF_THREAD_MIN_BYTES)) return { set: parseFlags(bytes, file), where: 'main' };
  return parseInWorker(bytes, file);
}

function parseInWorker(bytes: Uint8Array, file: string): Promise<{ set: FlagSet; where: ParsedWhere }> {
  return new Promise((resolve, reject) => {
    let settled = false;
    /** A worker that cannot start or dies (a bundle without the worker file, no threads): parse here instead. */
    const inPlace = (): void => {
      try {
        resolve({ set: parseFlags(bytes, file), where: 'main' });
      } catch (error) {
        reject(error);
      }
    };
    let worker: Worker;
    try {
      // execArgv: [] so a `--conditions=source` or a TypeScript loader of the parent does not reach the worker.
      // A young generation of 64 MB: everything a parse allocates survives it, and at V8's default size
      // copying survivors took a third of the parse of 100k flags.
      worker = new Worker(workerUrl(), { workerData: { bytes, file }, execArgv: [], resourceLimits: { maxYoungGenerationSizeMb: 64 } });
    } catch {
      inPlace();
      return;
    }
    // Not unref'd: a script awaiting its first load must not exit under it. It is terminated once it answered.
    let head: Extract<ParseReply, { type: 'head' }> | undefined;
    const flags: Record<string, FlagInput> = {};
    const finish = (run: () => void): void => {
      if (settled) return;
      settled = true;
      void worker.terminate();
      run();
    };
    worker.on('message', (reply: ParseReply) => {
      if (reply.type === 'head') head = reply;
      else if (reply.type === 'flags') for (const [key, input] of reply.entries) flags[key] = input as FlagInput;
      else if (reply.type === 'error') finish(() => reject(new FlagConfigError(reply.location, reply.detail)));
      else if (reply.type === 'done' && head !== undefined) {
        const checked = { source: head.source, version: head.version, file: { ...head.file, flags } as FlagFile };
        finish(() => compileCheckedFlagsInSlices(checked).then((set) => resolve({ set, where: 'worker' }), reject));
      }
    });
    worker.on('error', () => finish(inPlace));
    worker.on('exit', () => finish(inPlace));
  });
}
