import { DefaultLogger, ErrorCode, type Client, type Logger } from '@openfeature/server-sdk';
import { escapeControls } from '@aiflags/core';
import type { SelectionError } from '../selection/safe-evaluate.js';

/**
 * Error codes that mean the code asked for something the flags do not have: a key that is not defined,
 * or a flag of another type. These are logged; an outage (provider not ready, backend down) is not misuse.
 */
const MISUSE_CODES: ReadonlySet<string> = new Set([ErrorCode.FLAG_NOT_FOUND, ErrorCode.TYPE_MISMATCH]);

/** Whether an evaluation error is a misuse by the calling code (unknown key, wrong type). */
export function isMisuse(error: SelectionError | undefined): error is SelectionError {
  return error !== undefined && MISUSE_CODES.has(error.code);
}

/** Distinct (call, key, code) problems a process logs before it stops adding new ones: a bound on memory. */
export const MAX_LOGGED_MISUSES = 1000;

/** Problems logged by this process: each once, whichever `aiFlags()` instance met it. */
const logged = new Set<string>();

/**
 * Logs a misuse once per call, key and error code in this process, as a warning through `logger`, else the
 * client's OpenFeature logger (what `client.setLogger()` or `OpenFeature.setLogger()` set; the server SDK's
 * client hands the same one to hooks and providers), else the console. `consequence` says what the caller got.
 */
export function logMisuse(client: Client, logger: Logger | undefined, call: string, key: string, error: SelectionError, consequence: string): void {
  const id = `${call}\u0000${key}\u0000${error.code}`;
  if (logged.has(id)) return;
  if (logged.size >= MAX_LOGGED_MISUSES) {
    if (logged.size > MAX_LOGGED_MISUSES) return;
    logged.add('\u0000overflow');
    warn(client, logger, `aiflags: more than ${MAX_LOGGED_MISUSES} distinct flag misuses in this process; no more are logged`);
    return;
  }
  logged.add(id);
  warn(client, logger, `aiflags: ${call}('${escapeControls(key)}'): ${error.code}: ${escapeControls(error.message)} (${consequence})`);
}

function warn(client: Client, logger: Logger | undefined, line: string): void {
  try {
    (logger ?? clientLogger(client)).warn(line);
  } catch {
    // A logger that throws must not turn a warning into a failed request.
  }
}

/** The client's OpenFeature logger; `_logger` is the server SDK client's accessor for it (not in its typings). */
function clientLogger(client: Client): Logger {
  try {
    const candidate = (client as unknown as { _logger?: Partial<Logger> })._logger;
    if (candidate && typeof candidate.warn === 'function') return candidate as Logger;
  } catch {
    // A client of another shape: fall through to the console.
  }
  return new DefaultLogger();
}
