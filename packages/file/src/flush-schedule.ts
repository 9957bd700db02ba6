/**
 * When a buffering file store writes: every `intervalMs` (the timer never keeps the process alive; 0: no
 * timer), and once, synchronously, when the process exits. Failed flushes are the store's to count.
 */
export class FlushSchedule {
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly onExit: () => void;
  private stopped = false;

  constructor(intervalMs: number, flush: () => Promise<void>, flushSync: () => void) {
    if (intervalMs > 0) {
      this.timer = setInterval(() => void flush().catch(() => undefined), intervalMs);
      this.timer.unref();
    }
    this.onExit = flushSync;
    process.once('exit', this.onExit);
  }

  /** Stops the timer and the exit flush; false when it was already stopped. */
  stop(): boolean {
    if (this.stopped) return false;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    process.removeListener('exit', this.onExit);
    return true;
  }
}
