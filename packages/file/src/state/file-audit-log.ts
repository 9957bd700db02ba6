import { appendFile, readFile } from 'node:fs/promises';
import type { AuditEntry, AuditLog, AuditRead } from '@aiflags/core';
import { completeAuditEntry, selectAuditEntries } from './memory-audit-log.js';

/** An append-only JSON-lines audit log (`.aiflags/audit.jsonl`), shared by every process on the machine. */
export class FileAuditLog implements AuditLog {
  constructor(readonly path: string) {}

  async append(entry: Parameters<AuditLog['append']>[0]): Promise<AuditEntry> {
    const complete = completeAuditEntry(entry);
    // One write with O_APPEND per line, so lines from concurrent processes never interleave.
    await appendFile(this.path, `${JSON.stringify(complete)}\n`, { flag: 'a' });
    return complete;
  }

  async list(options?: { limit?: number; target?: string }): Promise<AuditEntry[]> {
    return (await this.read(options)).entries;
  }

  async read(options?: { limit?: number; target?: string }): Promise<AuditRead> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], skipped: 0 };
      throw error;
    }
    const entries: AuditEntry[] = [];
    let skipped = 0;
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      // A torn last line after a crash, or a line edited by hand into another shape: skip it, count it, keep the rest.
      const entry = auditEntryOf(line);
      if (entry) entries.push(entry);
      else skipped++;
    }
    return { entries: selectAuditEntries(entries, options), skipped };
  }
}

/** The entry on one line, or undefined when the line is not JSON or not an entry's shape (every printed field a string). */
function auditEntryOf(line: string): AuditEntry | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const e = value as Record<string, unknown>;
  const strings = [e.id, e.at, e.actor, e.action, e.target].every((field) => typeof field === 'string');
  if (!strings || (e.reason !== undefined && typeof e.reason !== 'string')) return undefined;
  return { ...(e as unknown as AuditEntry), before: e.before ?? null, after: e.after ?? null };
}
