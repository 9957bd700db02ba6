import type { ChangeMeta, FlagOverride, KillSwitchState, LiveState } from '@aiflags/core';
import { osUser } from './os-user.js';

/** One change applied to a live state, with what the audit log records about it. */
export interface AppliedChange {
  state: LiveState;
  /** Keys of the flags and switches whose state changed. */
  changed: string[];
  audit: { actor: string; action: string; target: string; before: unknown; after: unknown; reason?: string };
}

/** Change metadata a caller may extend with the audit action (e.g. `rollout-advance`). */
export type AuditedChangeMeta = ChangeMeta & { action?: string };

/** Kills (killed = true) or revives a switch; returns a new state with the version increased by one. */
export function applyKillSwitch(
  state: LiveState,
  name: string,
  killed: boolean,
  meta: AuditedChangeMeta & { retryAfter?: number } = {},
  now: Date = new Date(),
): AppliedChange {
  const actor = meta.actor ?? osUser();
  const before = state.killSwitches[name];
  const after: KillSwitchState = { killed, at: now.toISOString(), actor };
  if (meta.reason !== undefined) after.reason = meta.reason;
  if (meta.retryAfter !== undefined) after.retryAfter = meta.retryAfter;
  const next: LiveState = {
    version: state.version + 1,
    flags: state.flags,
    killSwitches: { ...state.killSwitches, [name]: after },
  };
  return {
    state: next,
    changed: [name],
    audit: {
      actor,
      action: meta.action ?? (killed ? 'kill' : 'revive'),
      target: name,
      before: before ?? null,
      after,
      ...(meta.reason !== undefined ? { reason: meta.reason } : {}),
    },
  };
}

/** Sets (or with `null` removes) a flag override; returns a new state with the version increased by one. */
export function applyFlagOverride(state: LiveState, flagKey: string, override: FlagOverride | null, meta: AuditedChangeMeta = {}): AppliedChange {
  const actor = meta.actor ?? osUser();
  const before = state.flags[flagKey];
  const flags = { ...state.flags };
  if (override === null) delete flags[flagKey];
  else flags[flagKey] = { ...override };
  const next: LiveState = { version: state.version + 1, flags, killSwitches: state.killSwitches };
  return {
    state: next,
    changed: [flagKey],
    audit: {
      actor,
      action: meta.action ?? overrideAction(before, override),
      target: flagKey,
      before: before ?? null,
      after: override,
      ...(meta.reason !== undefined ? { reason: meta.reason } : {}),
    },
  };
}

function overrideAction(before: FlagOverride | undefined, after: FlagOverride | null): string {
  if (after === null) return 'clear-override';
  if (after.enabled !== undefined && after.enabled !== before?.enabled) return after.enabled ? 'enable' : 'disable';
  if (after.percentage !== undefined && after.percentage !== before?.percentage) return 'set-percentage';
  return 'set-override';
}

/** Checks the shape of a state read from disk or the network; returns an error message, or undefined when valid. */
export function liveStateProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const v = value as Record<string, unknown>;
  if (typeof v.version !== 'number' || !Number.isInteger(v.version) || v.version < 0) return 'version: expected a non-negative integer';
  for (const field of ['flags', 'killSwitches'] as const) {
    const section = v[field];
    if (typeof section !== 'object' || section === null || Array.isArray(section)) return `${field}: expected an object`;
    for (const [key, entry] of Object.entries(section)) {
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return `${field}.${key}: expected an object`;
    }
  }
  for (const [key, entry] of Object.entries(v.killSwitches as Record<string, Record<string, unknown>>)) {
    if (typeof entry.killed !== 'boolean') return `killSwitches.${key}.killed: expected a boolean`;
  }
  for (const [key, entry] of Object.entries(v.flags as Record<string, Record<string, unknown>>)) {
    if (entry.enabled !== undefined && typeof entry.enabled !== 'boolean') return `flags.${key}.enabled: expected a boolean`;
    const p = entry.percentage;
    if (p !== undefined && (typeof p !== 'number' || !(p >= 0 && p <= 100))) return `flags.${key}.percentage: expected a number from 0 to 100`;
    if (entry.variant !== undefined && (typeof entry.variant !== 'string' || entry.variant === '')) return `flags.${key}.variant: expected a variant name`;
    const d = entry.droppedVariants;
    if (d !== undefined && (!Array.isArray(d) || !d.every((x) => typeof x === 'string')))
      return `flags.${key}.droppedVariants: expected a list of variant names`;
  }
  return undefined;
}
