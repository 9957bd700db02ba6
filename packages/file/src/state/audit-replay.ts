import { emptyLiveState, type AuditEntry, type FlagOverride, type KillSwitchState, type LiveState } from '@aiflags/core';

/** Audit actions that record something about the state rather than a change to one entry. */
const NOT_A_CHANGE = new Set(['repair']);

/**
 * Rebuilds a live state by replaying audit entries, oldest first: each entry sets its target to `after`
 * (a switch when `after` has a boolean `killed`, otherwise a flag override; `null` removes the override).
 * A change whose state write failed is followed by a `revert-failed-write` entry, so replaying both
 * leaves the target as it was. The version is one past the number of changes replayed.
 */
export function stateFromAudit(entriesOldestFirst: readonly AuditEntry[]): LiveState {
  const state = emptyLiveState();
  let changes = 0;
  for (const entry of entriesOldestFirst) {
    if (NOT_A_CHANGE.has(entry.action) || entry.target === '*') continue;
    const after = entry.after as Record<string, unknown> | null;
    const before = entry.before as Record<string, unknown> | null;
    const isSwitch = typeof after?.killed === 'boolean' || (after === null && typeof before?.killed === 'boolean');
    if (isSwitch) {
      if (after === null) delete state.killSwitches[entry.target];
      else state.killSwitches[entry.target] = after as unknown as KillSwitchState;
    } else if (after === null) {
      delete state.flags[entry.target];
    } else {
      state.flags[entry.target] = after as FlagOverride;
    }
    changes++;
  }
  state.version = changes + 1;
  return state;
}
