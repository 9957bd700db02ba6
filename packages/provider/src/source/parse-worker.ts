/**
 * Worker-thread entry of parseFlagsOffThread: reads, checks and compiles a flag file here (the costly part,
 * off the app's event loop), then posts the checked file back in chunks of flags so that no single message
 * takes long to receive. Compiling here too means every error is found here, with the same message.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { checkFlags, compileCheckedFlags, FlagConfigError } from '@aiflags/core';
import type { ParseReply } from './parse-protocol.js';

/** Flags per posted message (a message is deserialized in one go on the receiving thread). */
const FLAGS_PER_MESSAGE = 2000;

const { bytes, file } = workerData as { bytes: Uint8Array; file: string };
const post = (reply: ParseReply): void => parentPort!.postMessage(reply);
try {
  const checked = checkFlags(bytes, file);
  compileCheckedFlags(checked);
  const { flags = {}, ...rest } = checked.file;
  post({ type: 'head', source: checked.source, version: checked.version, file: rest });
  let chunk: [string, unknown][] = [];
  for (const key of Object.keys(flags)) {
    chunk.push([key, flags[key]]);
    if (chunk.length === FLAGS_PER_MESSAGE) {
      post({ type: 'flags', entries: chunk });
      chunk = [];
    }
  }
  post({ type: 'flags', entries: chunk });
  post({ type: 'done' });
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
