/**
 * Live state: what changes at run time without a file edit or a restart (kill switches, a flag switched
 * off, a rollout percentage moved by the rollout controller). Providers overlay it on the flag file;
 * stores keep it in `.aiflags/` (one machine) or Redis (every machine).
 */

/** A run-time override of one flag. */
export interface FlagOverride {
  /** false switches the flag off (it serves its off variant, reason DISABLED). */
  enabled?: boolean;
  /** Replaces the percentage (0-100, percent) of the flag's top-level `rollout`. */
  percentage?: number;
  /** Progress of a rollout plan driven by the rollout controller: index of the current step. */
  rolloutStep?: number;
  /** ISO-8601 time the current rollout step started. */
  stepStartedAt?: string;
  /** Set when the controller rolled the flag back or promoted it. */
  rolloutStatus?: 'running' | 'rolled-back' | 'promoted' | 'paused';
  /**
   * Serves this variant where the flag file's top level would roll out or split (`aiflags promote`): the
   * test is over and this variant is the default. Targeting rules still apply, as after the file edit.
   */
  variant?: string;
  /**
   * Arms of the top-level split taken out of a test: their units are re-split among the remaining arms
   * in proportion to their weights, and every unit of a remaining arm keeps its variant.
   */
  droppedVariants?: string[];
  /**
   * An evidence stage of the rollout plan the flag is in, before its first percentage (the treatment is
   * served to nobody meanwhile); absent once the plan is at its percentage steps. `stepStartedAt` is when
   * the stage began.
   */
  rolloutStage?: RolloutStageName;
  /** Evidence stages skipped by a person (with an audited reason): they count as passed. */
  skippedStages?: RolloutStageName[];
}

/** The evidence stages a rollout plan may begin with: offline replay, then shadow traffic. */
export type RolloutStageName = 'replay' | 'shadow';

export interface KillSwitchState {
  killed: boolean;
  reason?: string;
  actor?: string;
  /** ISO-8601 time of the last change. */
  at: string;
  /** Seconds a refused caller should wait; overrides the switch's configured value. */
  retryAfter?: number;
}

export interface LiveState {
  /** Increases by one with every change; a process that sees a gap resyncs. */
  version: number;
  flags: Record<string, FlagOverride>;
  killSwitches: Record<string, KillSwitchState>;
}

export const emptyLiveState = (): LiveState => ({ version: 0, flags: {}, killSwitches: {} });

/** Keys of the flags and switches that differ between two states (what a CONFIGURATION_CHANGED event lists). */
export function changedKeys(before: LiveState, after: LiveState): string[] {
  const changed: string[] = [];
  diffRecords(before.flags, after.flags, changed);
  diffRecords(before.killSwitches, after.killSwitches, changed);
  return changed;
}

function diffRecords(a: Record<string, unknown>, b: Record<string, unknown>, out: string[]): void {
  for (const key of Object.keys(a)) if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) out.push(key);
  for (const key of Object.keys(b)) if (!(key in a)) out.push(key);
}

/** Who made a change and why; recorded in the audit log. */
export interface ChangeMeta {
  /** Who made the change; a store records its own default (e.g. the OS user) when absent. The core knows no OS user. */
  actor?: string;
  reason?: string;
  /** The audit log's name for the change ('promote', 'rollout-advance', ...); derived from the change when absent. */
  action?: string;
}

export interface AuditEntry {
  id: string;
  /** ISO-8601. */
  at: string;
  actor: string;
  /** e.g. kill, revive, set-percentage, enable, disable, rollout-advance, rollout-rollback. */
  action: string;
  /** The flag or switch the change is about. */
  target: string;
  before: unknown;
  after: unknown;
  reason?: string;
}

/** A read of the audit log: the entries, and how many stored records were unreadable and left out. */
export interface AuditRead {
  entries: AuditEntry[];
  skipped: number;
}

export interface AuditLog {
  append(entry: Omit<AuditEntry, 'id' | 'at'> & { at?: string }): Promise<AuditEntry>;
  /** Newest first. */
  list(options?: { limit?: number; target?: string }): Promise<AuditEntry[]>;
  /** Like list, and says how many stored records it skipped as unreadable (a log that cannot hold bad records omits it). */
  read?(options?: { limit?: number; target?: string }): Promise<AuditRead>;
}

/**
 * Where live state lives. `current()` never waits on I/O: evaluation reads the cached copy, and a lost
 * connection keeps serving the last known state.
 */
export interface StateStore {
  readonly audit: AuditLog;
  /** Loads the state (or resyncs) and starts listening for changes made by other processes. */
  start(): Promise<LiveState>;
  /** Reads the state once without listening for changes (a one-shot command); optional, `start()` serves otherwise. */
  read?(): Promise<LiveState>;
  current(): LiveState;
  /** Called after every applied change, with the keys of the flags and switches that changed. */
  onChange(listener: (state: LiveState, changed: string[]) => void): () => void;
  setKillSwitch(name: string, killed: boolean, meta?: ChangeMeta & { retryAfter?: number }): Promise<LiveState>;
  /** `null` removes the override. */
  setFlagOverride(flagKey: string, override: FlagOverride | null, meta?: ChangeMeta): Promise<LiveState>;
  close(): Promise<void>;
}
