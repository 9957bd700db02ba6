import { AiflagsError } from '@aiflags/core';
import { printable } from './printable.js';

/** An error the CLI prints as one line (no stack trace) before exiting with code 1. */
export class CliError extends AiflagsError {
  override readonly name = 'CliError';
  /** USAGE for bad arguments and input; other codes name what failed (e.g. the code of the error it wraps). */
  readonly code: string;
  constructor(message: string, options?: { cause?: unknown; code?: string }) {
    super(message, options);
    this.code = options?.code ?? 'USAGE';
  }
}

/** One line for any error: the message with line breaks folded, never a stack. */
export function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s*\n\s*/g, ' ').trim() || 'unknown error';
}

/**
 * Wraps a command action so every failure ends as one line on stderr and exit code 1. Commands that
 * report their own failure set `process.exitCode` and return. Messages quote input (names, paths,
 * attribute text), so the line is printed with its controls escaped.
 */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void> | void): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (error) {
      process.stderr.write(`${printable(oneLine(error))}\n`);
      process.exitCode = 1;
    }
  };
}
