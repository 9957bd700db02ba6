import { createReadStream } from 'node:fs';
import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
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
    const out: R[] = [];
    for await (const r of this.stream(flagKey, flagVersion)) out.push(r);
    return out;
  }

  /**
   * The flag version's results line by line, so memory holds one line however large the file (a replay of
   * a 1 GB cases file writes more than that); no file yet is no results.
   */
  async *stream(flagKey: string, flagVersion: string): AsyncGenerator<R> {
    const input = createReadStream(this.fileFor(flagKey), 'utf8');
    try {
      await new Promise<void>((resolve, reject) => {
        input.once('open', () => resolve());
        input.once('error', reject);
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
    try {
      for await (const line of lines) {
        if (line.trim() === '') continue;
        let r: R | undefined;
        try {
          const parsed = JSON.parse(line) as R;
          if (parsed.flagKey === flagKey && parsed.flagVersion === flagVersion) r = parsed;
        } catch {
          this.skipped++;
        }
        if (r) yield r;
      }
    } finally {
      lines.close();
      input.destroy();
    }
  }

  async append(result: R): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await appendFile(this.fileFor(result.flagKey), `${JSON.stringify(result)}\n`);
  }

  /** Several results in the order given: one append per flag's file. */
  async appendMany(results: readonly R[]): Promise<void> {
    const byFile = new Map<string, string[]>();
    for (const r of results) {
      const file = this.fileFor(r.flagKey);
      let lines = byFile.get(file);
      if (lines === undefined) byFile.set(file, (lines = []));
      lines.push(`${JSON.stringify(r)}\n`);
    }
    if (byFile.size === 0) return;
    await mkdir(this.dir, { recursive: true });
    for (const [file, lines] of byFile) await appendFile(file, lines.join(''));
  }
}
