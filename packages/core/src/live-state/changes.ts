import type { ChangeMeta, FlagOverride, KillSwitchState, LiveState } from './types.js';

/**
 * The audit log's action names, defined once. A store derives the first group from the change itself
 * (the file and memory stores through the functions below; the Redis change script receives them as
 * arguments); the rest are named by the caller through `ChangeMeta.action`.
 */
export const AUDIT_ACTIONS = {
  kill: 'kill',
  revive: 'revive',
  enable: 'enable',
  disable: 'disable',
  setPercentage: 'set-percentage',
  setOverride: 'set-override',
  clearOverride: 'clear-override',
  /** Redis lost the live state and a running instance wrote back what it knew. */
  restore: 'restore',
  /** `aiflags promote`: a test's variant served to everyone. */
  promote: 'promote',
  rolloutStart: 'rollout-start',
  rolloutAdvance: 'rollout-advance',
  rolloutRollback: 'rollout-rollback',
  rolloutPromote: 'rollout-promote',
  rolloutDrop: 'rollout-drop',
  rolloutReset: 'rollout-reset',
  /** The controller moved a flag from one evidence stage (replay, shadow) to the next or to its first percentage. */
  rolloutStage: 'rollout-stage',
  /** A person skipped an evidence stage, with a reason. */
  rolloutSkip: 'rollout-skip',
} as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[keyof typeof AUDIT_ACTIONS];

/** What the audit log records about one change (the store adds its id and time). */
export interface ChangeAudit {
  actor: string;
  action: string;
  target: string;
  before: unknown;
  after: unknown;
  reason?: string;
}

/** One change applied to a live state, with what the audit log records about it. */
export interface AppliedChange {
  state: LiveState;
  /** Keys of the flags and switches whose state changed. */
  changed: string[];
  audit: ChangeAudit;
}

/** Change metadata after the store filled in its default actor. */
export type ResolvedChangeMeta = ChangeMeta & { actor: string };

/** The stored entry of a switch after a kill (killed = true) or revive at `at` (ISO-8601). */
export function killSwitchEntry(killed: boolean, meta: ResolvedChangeMeta & { retryAfter?: number }, at: string): KillSwitchState {
  const entry: KillSwitchState = { killed, at, actor: meta.actor };
  if (meta.reason !== undefined) entry.reason = meta.reason;
  if (meta.retryAfter !== undefined) entry.retryAfter = meta.retryAfter;
  return entry;
}

/** The audit action of a kill or revive, unless the caller named one. */
export function killSwitchAction(killed: boolean, meta: ChangeMeta = {}): string {
  return meta.action ?? (killed ? AUDIT_ACTIONS.kill : AUDIT_ACTIONS.revive);
}

/** The audit action of a flag override change (`null` removes it), unless the caller named one. */
export function overrideAction(before: FlagOverride | undefined, after: FlagOverride | null, meta: ChangeMeta = {}): string {
  if (meta.action !== undefined) return meta.action;
  if (after === null) return AUDIT_ACTIONS.clearOverride;
  if (after.enabled !== undefined && after.enabled !== before?.enabled) return after.enabled ? AUDIT_ACTIONS.enable : AUDIT_ACTIONS.disable;
  if (after.percentage !== undefined && after.percentage !== before?.percentage) return AUDIT_ACTIONS.setPercentage;
  return AUDIT_ACTIONS.setOverride;
}

/** Kills (killed = true) or revives a switch; returns a new state with the version increased by one. */
export function applyKillSwitch(
  state: LiveState,
  name: string,
  killed: boolean,
  meta: ResolvedChangeMeta & { retryAfter?: number },
  now: Date = new Date(),
): AppliedChange {
  const before = state.killSwitches[name];
  const after = killSwitchEntry(killed, meta, now.toISOString());
  const next: LiveState = { version: state.version + 1, flags: state.flags, killSwitches: { ...state.killSwitches, [name]: after } };
  return { state: next, changed: [name], audit: changeAudit(meta, killSwitchAction(killed, meta), name, before, after) };
}

/** Sets (or with `null` removes) a flag override; returns a new state with the version increased by one. */
export function applyFlagOverride(state: LiveState, flagKey: string, override: FlagOverride | null, meta: ResolvedChangeMeta): AppliedChange {
  const before = state.flags[flagKey];
  const flags = { ...state.flags };
  if (override === null) delete flags[flagKey];
  else flags[flagKey] = { ...override };
  const next: LiveState = { version: state.version + 1, flags, killSwitches: state.killSwitches };
  return { state: next, changed: [flagKey], audit: changeAudit(meta, overrideAction(before, override, meta), flagKey, before, override) };
}

function changeAudit(meta: ResolvedChangeMeta, action: string, target: string, before: unknown, after: unknown): ChangeAudit {
  return { actor: meta.actor, action, target, before: before ?? null, after, ...(meta.reason !== undefined ? { reason: meta.reason } : {}) };
}
