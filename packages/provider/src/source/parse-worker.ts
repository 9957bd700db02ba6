/**
 * Worker-thread entry of parseFlagsOffThread: reads, checks and compiles a flag file here (the costly part,
 * off the app's event loop), then posts the checked flags back in chunks on `flagPort` and `done` last.
 * Compiling here too means every error is found here, with the same message.
 */
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { checkFlags, compileCheckedFlags, FlagConfigError } from '@aiflags/core';
import type { FlagChunk, ParseReply } from './parse-protocol.js';

/** Flags per chunk: one chunk is deserialized per compile slice on the calling thread (COMPILE_SLICE_FLAGS). */
const FLAGS_PER_CHUNK = 500;

const { bytes, file, flagPort } = workerData as { bytes: Uint8Array; file: string; flagPort: MessagePort };
const post = (reply: ParseReply): void => parentPort!.postMessage(reply);
try {
  const checked = checkFlags(bytes, file);
  compileCheckedFlags(checked);
  const { flags = {}, ...rest } = checked.file;
  let chunk: FlagChunk = [];
  let chunks = 0;
  const send = (): void => {
    flagPort.postMessage(chunk);
    chunks++;
    chunk = [];
  };
  for (const key of Object.keys(flags)) {
    chunk.push([key, flags[key]!]);
    if (chunk.length === FLAGS_PER_CHUNK) send();
  }
  if (chunk.length > 0) send();
  post({ type: 'done', source: checked.source, version: checked.version, file: rest, chunks });
} catch (error) {
  if (error instanceof FlagConfigError) {
    const { file: at, flag, segment, killSwitch, field, detail } = error;
    post({
      type: 'error',
      location: {
        file: at,
        ...(flag !== undefined ? { flag } : {}),
        ...(segment !== undefined ? { segment } : {}),
        ...(killSwitch !== undefined ? { killSwitch } : {}),
        ...(field !== undefined ? { field } : {}),
      },
      detail,
    });
  } else post({ type: 'error', location: { file }, detail: `could not read the flag file: ${(error as Error)?.message ?? String(error)}` });
}
