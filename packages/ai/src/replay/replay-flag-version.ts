import { createHash } from 'node:crypto';
import type { FlagDefinition } from '@aiflags/core';

/**
 * The version replay results are kept under: a hash of the flag's variant values (12 hex digits), since
 * they decide what a run sees. Editing a variant starts a new version, so old results are not reused.
 */
export function replayFlagVersion(definition: Pick<FlagDefinition, 'variants'>): string {
  return createHash('sha256').update(JSON.stringify(definition.variants)).digest('hex').slice(0, 12);
}
