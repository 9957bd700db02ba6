import { randomUUID } from 'node:crypto';
import type { AuditEntry, AuditLog } from '@aiflags/core';
import { osUser } from './os-user.js';

/** Completes an entry given to `AuditLog.append` with its id, time and actor. */
export function completeAuditEntry(entry: Parameters<AuditLog['append']>[0]): AuditEntry {
  return {
    id: randomUUID(),
    at: entry.at ?? new Date().toISOString(),
    actor: entry.actor || osUser(),
    action: entry.action,
    target: entry.target,
    before: entry.before ?? null,
    after: entry.after ?? null,
    ...(entry.reason !== undefined ? { reason: entry.reason } : {}),
  };
}

/** Newest first, filtered by target, at most `limit` entries. */
export function selectAuditEntries(entries: AuditEntry[], options: { limit?: number; target?: string } = {}): AuditEntry[] {
  const out: AuditEntry[] = [];
  const limit = options.limit ?? Infinity;
  for (let i = entries.length - 1; i >= 0 && out.length < limit; i--) {
    const entry = entries[i]!;
    if (options.target === undefined || entry.target === options.target) out.push(entry);
  }
  return out;
}

/** An audit log kept in process memory (tests, single-process apps). */
export class MemoryAuditLog implements AuditLog {
  private readonly entries: AuditEntry[] = [];

  async append(entry: Parameters<AuditLog['append']>[0]): Promise<AuditEntry> {
    const complete = completeAuditEntry(entry);
    this.entries.push(complete);
    return complete;
  }

  async list(options?: { limit?: number; target?: string }): Promise<AuditEntry[]> {
    return selectAuditEntries(this.entries, options);
  }
}
