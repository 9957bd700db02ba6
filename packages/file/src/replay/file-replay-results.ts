import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { aiflagsLayout } from '../layout.js';

/** What a kept replay result needs for this store: the flag and the flag version it ran against. */
export interface KeptReplayResult {
  flagKey: string;
  flagVersion: string;
}

/**
 * Replay results in `.aiflags/replay/<flag>.jsonl`, one JSON line per case x variant as it finishes, so a
 * replay stopped by a crash or a cost cap resumes where it stopped. Unreadable lines (a torn last write)
 * are skipped and counted in `skipped`.
 */
export class FileReplayResults<R extends KeptReplayResult> {
  readonly dir: string;
  skipped = 0;

  constructor(aiflagsDir: string) {
    this.dir = aiflagsLayout(aiflagsDir).replay;
  }

  /** The file that holds a flag's results. */
  fileFor(flagKey: string): string {
    return join(this.dir, `${encodeURIComponent(flagKey)}.jsonl`);
  }

  async load(flagKey: string, flagVersion: string): Promise<R[]> {
    let text: string;
    try {
      text = await readFile(this.fileFor(flagKey), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const out: R[] = [];
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      try {
        const r = JSON.parse(line) as R;
        if (r.flagKey === flagKey && r.flagVersion === flagVersion) out.push(r);
      } catch {
        this.skipped++;
      }
    }
    return out;
  }

  async append(result: R): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await appendFile(this.fileFor(result.flagKey), `${JSON.stringify(result)}\n`);
  }
}
