import {
  applyFlagOverride,
  applyKillSwitch,
  emptyLiveState,
  type AppliedChange,
  type ChangeMeta,
  type FlagOverride,
  type LiveState,
  type StateStore,
  LiveStateCache,
} from '@aiflags/core';
import { MemoryAuditLog } from './memory-audit-log.js';
import { osUser } from './os-user.js';

/** A live state held in process memory: tests, and apps that change state only from inside the process. */
export class MemoryStateStore extends LiveStateCache implements StateStore {
  readonly audit = new MemoryAuditLog();

  constructor(initial: LiveState = emptyLiveState()) {
    super();
    this.state = initial;
  }

  async start(): Promise<LiveState> {
    return this.state;
  }

  async read(): Promise<LiveState> {
    return this.state;
  }

  async setKillSwitch(name: string, killed: boolean, meta: ChangeMeta & { retryAfter?: number } = {}): Promise<LiveState> {
    return this.commit(applyKillSwitch(this.state, name, killed, { ...meta, actor: meta.actor ?? osUser() }));
  }

  async setFlagOverride(flagKey: string, override: FlagOverride | null, meta: ChangeMeta = {}): Promise<LiveState> {
    return this.commit(applyFlagOverride(this.state, flagKey, override, { ...meta, actor: meta.actor ?? osUser() }));
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }

  private async commit(change: AppliedChange): Promise<LiveState> {
    this.state = change.state;
    await this.audit.append(change.audit);
    this.listeners.emit(change.state, change.changed);
    return change.state;
  }
}
