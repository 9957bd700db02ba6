/**
 * Messages from the parse worker (parse-worker.ts) to parseFlagsOffThread. The flags go as chunks of
 * entries on their own port, which the calling thread reads one chunk per compile slice (a port's
 * 'message' listener would receive every queued chunk in one go and hold the event loop meanwhile);
 * `done` follows them on the worker's port, so every chunk is queued when it arrives.
 */
import type { FlagConfigLocation, FlagFile, FlagInput } from '@aiflags/core';

/** Entries of flags, in file order. */
export type FlagChunk = [string, FlagInput][];

export type ParseReply =
  | { type: 'done'; source: string; version: string; file: Omit<FlagFile, 'flags'>; chunks: number }
  | { type: 'error'; location: FlagConfigLocation; detail: string };
