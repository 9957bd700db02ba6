import { appendFile, readFile } from 'node:fs/promises';
import type { AuditEntry, AuditLog } from '@aiflags/core';
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
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const entries: AuditEntry[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        entries.push(JSON.parse(line) as AuditEntry);
      } catch {
        // A torn last line after a crash: skip it, keep the rest.
      }
    }
    return selectAuditEntries(entries, options);
  }
}
