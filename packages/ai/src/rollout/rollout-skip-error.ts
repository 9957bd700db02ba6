import { AiflagsError } from '@aiflags/core';

/** Thrown by `RolloutController.skipStage` when a skip is refused: no reason, no such stage, or the stage is already behind the flag. */
export class RolloutSkipError extends AiflagsError {
  readonly code = 'ROLLOUT_SKIP_REFUSED' as const;
  constructor(message: string) {
    super(message);
    this.name = 'RolloutSkipError';
  }
}
