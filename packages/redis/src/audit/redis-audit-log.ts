import type { Redis } from 'ioredis';
import type { AuditEntry, AuditLog } from '@aiflags/core';

/** Stream fields holding JSON (the rest are plain strings). */
const jsonFields = new Set(['before', 'after']);

/** The audit log as a Redis stream, trimmed to about `maxLen` entries (XADD MAXLEN ~). */
export class RedisAuditLog implements AuditLog {
  constructor(
    private readonly client: Redis,
    private readonly key: string,
    private readonly maxLen: number,
  ) {}

  async append(entry: Omit<AuditEntry, 'id' | 'at'> & { at?: string }): Promise<AuditEntry> {
    const at = entry.at ?? new Date().toISOString();
    const fields: string[] = ['at', at, 'actor', entry.actor, 'action', entry.action, 'target', entry.target];
    fields.push('before', JSON.stringify(entry.before ?? null), 'after', JSON.stringify(entry.after ?? null));
    if (entry.reason !== undefined) fields.push('reason', entry.reason);
    const id = await this.client.xadd(this.key, 'MAXLEN', '~', this.maxLen, '*', ...fields);
    return { ...entry, id: id ?? '', at };
  }

  /** Newest first; with `target`, only entries about that flag or switch (default limit 50). */
  async list(options: { limit?: number; target?: string } = {}): Promise<AuditEntry[]> {
    const limit = options.limit ?? 50;
    const out: AuditEntry[] = [];
    const page = options.target === undefined ? limit : Math.max(100, limit);
    let end = '+';
    while (out.length < limit) {
      const rows = await this.client.xrevrange(this.key, end, '-', 'COUNT', page);
      for (const [id, fields] of rows) {
        const entry = toEntry(id, fields);
        if (options.target === undefined || entry.target === options.target) out.push(entry);
        if (out.length === limit) break;
      }
      if (rows.length < page) break;
      end = `(${rows[rows.length - 1]![0]}`;
    }
    return out;
  }
}

function toEntry(id: string, fields: string[]): AuditEntry {
  const raw: Record<string, unknown> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const name = fields[i]!;
    const value = fields[i + 1]!;
    raw[name] = jsonFields.has(name) ? parseOrKeep(value) : value;
  }
  const entry: AuditEntry = {
    id,
    at: String(raw.at ?? ''),
    actor: String(raw.actor ?? ''),
    action: String(raw.action ?? ''),
    target: String(raw.target ?? ''),
    before: raw.before ?? null,
    after: raw.after ?? null,
  };
  if (typeof raw.reason === 'string') entry.reason = raw.reason;
  return entry;
}

/** A value that is not JSON (written by hand, or a corrupted state entry) is shown as its text. */
function parseOrKeep(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
