import { randomBytes } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { mkdir, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isInstanceAlive, readInstanceRecord, type InstanceRecord, type PresenceRead, type PresenceStore } from '@aiflags/core';
import { aiflagsLayout } from '../layout.js';

export interface FilePresenceStoreOptions {
  /** How often `watch` re-reads the folder behind fs.watch, in ms (default 20). */
  pollMs?: number;
}

/**
 * Presence on the embedded store: one JSON file per instance in `.aiflags/instances/`, written by atomic
 * rename so a reader never sees half a record. A dead instance's file is removed by the next reader.
 */
export class FilePresenceStore implements PresenceStore {
  readonly dir: string;
  readonly where: string;

  constructor(
    stateDir: string,
    private readonly options: FilePresenceStoreOptions = {},
  ) {
    this.dir = aiflagsLayout(stateDir).instances;
    this.where = this.dir;
  }

  async announce(record: InstanceRecord): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const temp = join(this.dir, `.${fileName(record.id)}.${randomBytes(4).toString('hex')}.tmp`);
    await writeFile(temp, JSON.stringify(record));
    await rename(temp, this.pathOf(record.id));
  }

  async remove(id: string): Promise<void> {
    await unlink(this.pathOf(id)).catch(() => undefined);
  }

  async list(): Promise<PresenceRead> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const now = Date.now();
    const instances: InstanceRecord[] = [];
    let skipped = 0;
    await Promise.all(
      names
        .filter((n) => n.endsWith('.json') && !n.startsWith('.'))
        .map(async (name) => {
          const text = await readFile(join(this.dir, name), 'utf8').catch(() => undefined);
          if (text === undefined) return; // removed between readdir and read: it just left
          const record = readInstanceRecord(text);
          if (!record) {
            skipped++;
            return;
          }
          if (isInstanceAlive(record, now)) instances.push(record);
          else await unlink(join(this.dir, name)).catch(() => undefined);
        }),
    );
    instances.sort((a, b) => a.startedAt - b.startedAt || a.id.localeCompare(b.id));
    return { instances, skipped };
  }

  async watch(listener: (record: InstanceRecord) => void): Promise<() => Promise<void>> {
    await mkdir(this.dir, { recursive: true });
    const emitAll = async () => {
      for (const record of (await this.list()).instances) listener(record);
    };
    let watcher: FSWatcher | undefined;
    try {
      watcher = watch(this.dir, (_event, name) => {
        if (typeof name !== 'string' || !name.endsWith('.json') || name.startsWith('.')) return;
        void readFile(join(this.dir, name), 'utf8').then(
          (text) => {
            const record = readInstanceRecord(text);
            if (record) listener(record);
          },
          () => undefined,
        );
      });
      watcher.on('error', () => undefined);
    } catch {
      // fs.watch is not available everywhere (some network file systems): polling alone still works.
    }
    // fs.watch can miss or merge events; the poll is the safety net.
    const timer = setInterval(() => void emitAll(), this.options.pollMs ?? 20);
    timer.unref();
    return async () => {
      clearInterval(timer);
      watcher?.close();
    };
  }

  private pathOf(id: string): string {
    return join(this.dir, `${fileName(id)}.json`);
  }
}

function fileName(id: string): string {
  return encodeURIComponent(id).replace(/\./g, '%2E');
}
