/**
 * The base of every error aiflags throws on purpose. Code decides by `code` (stable, documented per
 * subclass), never by message text; the message is for people, one line naming what to fix.
 */
export abstract class AiflagsError extends Error {
  abstract readonly code: string;
}

/** True for an aiflags error, and when `code` is given, one with that code. */
export function isAiflagsError(error: unknown, code?: string): error is AiflagsError {
  return error instanceof AiflagsError && (code === undefined || error.code === code);
}
