import { AiflagsError } from '@aiflags/core';

/** Codes a caller branches on (never on message text). */
export type LiveStateErrorCode = 'STATE_UNREADABLE' | 'AUDIT_WRITE_FAILED' | 'STATE_COMMIT_FAILED' | 'LOCK_TIMEOUT';

/** A live-state write that did not happen; the message names the file and says what was (not) changed. */
export class LiveStateError extends AiflagsError {
  override readonly name: string = 'LiveStateError';
  constructor(
    readonly code: LiveStateErrorCode,
    /** The file the failure is about. */
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** `state.json` cannot be read or parsed, so a write would replace state nobody can see: refused. */
export class StateUnreadableError extends LiveStateError {
  override readonly name = 'StateUnreadableError';
  constructor(file: string, message: string, options?: { cause?: unknown }) {
    super('STATE_UNREADABLE', file, message, options);
  }
}

/** The audit entry could not be appended; the change was not applied. */
export class AuditWriteError extends LiveStateError {
  override readonly name = 'AuditWriteError';
  constructor(file: string, message: string, options?: { cause?: unknown }) {
    super('AUDIT_WRITE_FAILED', file, message, options);
  }
}

/** The audit entry was appended but the state could not be committed; the message says how the log was made consistent. */
export class StateCommitError extends LiveStateError {
  override readonly name = 'StateCommitError';
  constructor(file: string, message: string, options?: { cause?: unknown }) {
    super('STATE_COMMIT_FAILED', file, message, options);
  }
}

/** The lock stayed held by a live process past the timeout. */
export class LockTimeoutError extends LiveStateError {
  override readonly name = 'LockTimeoutError';
  constructor(file: string, message: string) {
    super('LOCK_TIMEOUT', file, message);
  }
}
