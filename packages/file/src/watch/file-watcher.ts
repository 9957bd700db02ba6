import { watch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';

export interface FileWatcherOptions {
  /** Polling interval in ms, the fallback when fs.watch misses an event (network drives, some containers). */
  pollMs?: number;
  /** Quiet time in ms after the last event before `onChange` runs; editors write a file in several steps. */
  debounceMs?: number;
  /**
   * The file must keep the same size and modification time over this many ms before it is read (default
   * 200): a copy or a non-atomic editor that pauses mid-file would otherwise have the truncated file served.
   */
  settleMs?: number;
}

/**
 * Watches one file for changes. It watches the directory, not the file, because editors save by writing
 * a temporary file and renaming it over the old one, which ends a watch on the old inode.
 */
export class FileWatcher {
  private watcher: FSWatcher | undefined;
  private poller: NodeJS.Timeout | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private signature = '';
  private closed = false;
  private readonly pollMs: number;
  private readonly debounceMs: number;
  private readonly settleMs: number;
  /** Bumped by every schedule(): a settle check that sees a newer one gives way to it. */
  private generation = 0;
  private settling = false;

  constructor(
    private readonly path: string,
    private readonly onChange: () => void,
    options: FileWatcherOptions = {},
  ) {
    this.pollMs = options.pollMs ?? 1000;
    this.debounceMs = options.debounceMs ?? 50;
    this.settleMs = options.settleMs ?? 200;
  }

  /** Starts watching; the current file is the baseline, so only later changes call `onChange`. */
  async start(): Promise<void> {
    this.signature = await this.readSignature();
    const name = basename(this.path);
    try {
      this.watcher = watch(dirname(this.path), { persistent: false }, (_event, filename) => {
        if (filename === null || filename === name || filename.startsWith(`${name}.`)) this.schedule();
      });
      this.watcher.on('error', () => this.stopNativeWatch());
    } catch {
      // No native watching here (e.g. too many watchers); polling alone still sees every change.
      this.watcher = undefined;
    }
    this.poller = setInterval(() => void this.poll(), this.pollMs);
    this.poller.unref();
  }

  close(): void {
    this.closed = true;
    this.stopNativeWatch();
    if (this.poller) clearInterval(this.poller);
    if (this.debounce) clearTimeout(this.debounce);
  }

  private stopNativeWatch(): void {
    this.watcher?.close();
    this.watcher = undefined;
  }

  private async poll(): Promise<void> {
    // A change already scheduled or settling is being handled; the settle check sees later writes itself.
    if (this.debounce !== undefined || this.settling) return;
    const baseline = this.signature;
    const signature = await this.readSignature();
    // Skip when a watch event already handled a change while this stat was in flight.
    if (signature !== baseline && baseline === this.signature) this.schedule();
  }

  private schedule(): void {
    if (this.closed) return;
    this.generation++;
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      void this.fire();
    }, this.debounceMs);
    this.debounce.unref();
  }

  private async fire(): Promise<void> {
    if (this.closed) return;
    const generation = this.generation;
    const before = await this.readSignature();
    if (this.settleMs > 0) {
      this.settling = true;
      try {
        await new Promise((resolve) => setTimeout(resolve, this.settleMs).unref());
      } finally {
        this.settling = false;
      }
      if (this.closed || generation !== this.generation) return; // a newer event took over
      const after = await this.readSignature();
      if (after !== before) {
        this.schedule(); // still being written: wait for it to settle
        return;
      }
    }
    this.signature = before;
    this.onChange();
  }

  private async readSignature(): Promise<string> {
    try {
      const s = await stat(this.path, { bigint: true });
      return `${s.ino}:${s.size}:${s.mtimeNs}`;
    } catch {
      return 'missing';
    }
  }
}
