import { AiflagsError } from '@aiflags/core';
/** Thrown by `guardOrThrow` when a kill switch is off. `retryAfter` is in seconds. */
export class FeatureDisabledError extends AiflagsError {
  readonly code = 'FEATURE_DISABLED' as const;
  constructor(
    readonly switchName: string,
    /** Seconds the caller should wait before trying again. */
    readonly retryAfter: number,
  ) {
    super(`Feature temporarily disabled: ${switchName} (retry after ${retryAfter} s)`);
    this.name = 'FeatureDisabledError';
  }
}
