/**
 * Parses a flag file without blocking the event loop: a worker thread reads, checks and compiles it, and
 * this thread compiles the checked file again in slices (compiled programs are functions, which cannot
 * cross threads), receiving one chunk of the worker's flags per slice. A reload of 100k flags on a live
 * server then never holds the loop for long.
 */
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { compileCheckedFlagsInSlices, FlagConfigError, parseFlags, type FlagInput, type FlagSet } from '@aiflags/core';
import type { FlagChunk, ParseReply } from './parse-protocol.js';

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

/** A turn of the event loop between two compile slices: timers and I/O run, and no timer clamp delays the next slice. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The worker's flags, one chunk taken off `port` whenever the compiler has used up the last. */
function* receivedFlags(port: MessagePort, chunks: number): Generator<readonly [string, FlagInput]> {
  for (let i = 0; i < chunks; i++) {
    const received = receiveMessageOnPort(port);
    if (received === undefined) throw new Error(`the parse worker's chunk ${i + 1} of ${chunks} did not arrive`);
    yield* received.message as FlagChunk;
  }
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
    const { port1: flagPort, port2: workerPort } = new MessageChannel();
    let worker: Worker;
    try {
      // execArgv: [] so a `--conditions=source` or a TypeScript loader of the parent does not reach the worker.
      // A young generation of 64 MB: everything a parse allocates survives it, and at V8's default size
      // copying survivors took a third of the parse of 100k flags.
      worker = new Worker(workerUrl(), {
        workerData: { bytes, file, flagPort: workerPort },
        transferList: [workerPort],
        execArgv: [],
        resourceLimits: { maxYoungGenerationSizeMb: 64 },
      });
    } catch {
      flagPort.close();
      inPlace();
      return;
    }
    // Not unref'd: a script awaiting its first load must not exit under it. It is terminated once it answered.
    const finish = (run: () => void): void => {
      if (settled) return;
      settled = true;
      void worker.terminate();
      flagPort.close();
      run();
    };
    worker.on('message', (reply: ParseReply) => {
      if (reply.type === 'error') finish(() => reject(new FlagConfigError(reply.location, reply.detail)));
      else if (reply.type === 'done' && !settled) {
        // Settled now, so the worker's exit below does not parse again; the port closes once every chunk is read.
        settled = true;
        const checked = { source: reply.source, version: reply.version, file: reply.file };
        compileCheckedFlagsInSlices(checked, { flags: receivedFlags(flagPort, reply.chunks), pause: nextTurn })
          .then((set) => resolve({ set, where: 'worker' }), reject)
          .finally(() => {
            flagPort.close();
            void worker.terminate();
          });
      }
    });
    worker.on('error', () => finish(inPlace));
    worker.on('exit', () => finish(inPlace));
  });
}
