/** Messages from the parse worker (parse-worker.ts) to parseFlagsOffThread. */
import type { FlagConfigLocation, FlagFile } from '@aiflags/core';

export type ParseReply =
  | { type: 'head'; source: string; version: string; file: Omit<FlagFile, 'flags'> }
  | { type: 'flags'; entries: [string, unknown][] }
  | { type: 'done' }
  | { type: 'error'; location: FlagConfigLocation; detail: string };
