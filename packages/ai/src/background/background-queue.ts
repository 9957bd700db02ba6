export interface BackgroundQueueOptions<T> {
  /** Jobs running at once (default 4). */
  concurrency?: number;
  /** Jobs waiting; beyond it `offer` refuses (default 1000). */
  maxQueue?: number;
  /** Runs one job; a rejection is the job's own to count (the queue only swallows it). */
  run: (job: T) => Promise<void>;
  /** Asked as a job is taken from the queue: false skips it (e.g. a spent budget or a kill), `onSkip` is told. */
  admit?: (job: T) => boolean;
  onSkip?: (job: T) => void;
}

/**
 * A bounded queue feeding at most `concurrency` jobs, started on a later turn of the event loop (setImmediate),
 * so the request that offered a job finishes, and answers, first.
 */
export class BackgroundQueue<T> {
  private readonly slots: Array<T | undefined>;
  private readonly concurrency: number;
  private readonly runJob: (job: T) => Promise<void>;
  private readonly admit: (job: T) => boolean;
  private readonly onSkip: (job: T) => void;
  private head = 0;
  private size = 0;
  private active = 0;
  private scheduled = false;
  private closed = false;
  private idle: Array<() => void> = [];

  constructor(options: BackgroundQueueOptions<T>) {
    this.slots = new Array(Math.max(0, options.maxQueue ?? 1000));
    this.concurrency = Math.max(1, options.concurrency ?? 4);
    this.runJob = options.run;
    this.admit = options.admit ?? (() => true);
    this.onSkip = options.onSkip ?? (() => {});
  }

  get queued(): number {
    return this.size;
  }

  get running(): number {
    return this.active;
  }

  get full(): boolean {
    return this.size >= this.slots.length;
  }

  /** Queues a job; false when the queue is full or closed. Synchronous. */
  offer(job: T): boolean {
    if (this.closed || this.full) return false;
    this.slots[(this.head + this.size) % this.slots.length] = job;
    this.size++;
    this.schedule();
    return true;
  }

  /** Resolves once nothing is queued or running. */
  drain(): Promise<void> {
    if (this.size === 0 && this.active === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  /** Stops taking jobs, hands each queued one to `dropped`, and waits for the running ones. */
  async close(dropped: (job: T) => void = () => {}): Promise<void> {
    this.closed = true;
    while (this.size > 0) dropped(this.take()!);
    await this.drain();
  }

  private schedule(): void {
    if (this.scheduled || this.closed) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (this.active < this.concurrency && this.size > 0) {
      const job = this.take()!;
      if (!this.admit(job)) {
        this.onSkip(job);
        continue;
      }
      this.active++;
      // Already on a turn of its own (setImmediate), so the job starts here; one settle callback, whatever it does.
      let running: Promise<void>;
      try {
        running = this.runJob(job);
      } catch {
        running = Promise.resolve();
      }
      running.then(this.finished, this.finished);
    }
    if (this.size === 0 && this.active === 0) this.wake();
  }

  /** A job ended (answered, rejected or threw: each is the job's own to count). */
  private readonly finished = (): void => {
    this.active--;
    if (this.size > 0) this.schedule();
    else if (this.active === 0) this.wake();
  };

  private take(): T | undefined {
    if (this.size === 0) return undefined;
    const job = this.slots[this.head];
    this.slots[this.head] = undefined;
    this.head = (this.head + 1) % this.slots.length;
    this.size--;
    return job;
  }

  private wake(): void {
    const waiting = this.idle;
    this.idle = [];
    for (const resolve of waiting) resolve();
  }
}
