import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { InstanceRecord, PresenceStore, StateStore } from '@aiflags/core';

/** How a provider announces itself (see `PresenceStore`). */
export interface PresenceOptions {
  store: PresenceStore;
  /** The live-state store for people (a file path, or a Redis URL without its password and the prefix). Default: `store.where`. */
  storeLabel?: string;
  /** Default: the process title. */
  app?: string;
  /** How often `lastSeen` is refreshed, in ms (default 5000); a record older than 3 heartbeats counts as dead. */
  heartbeatMs?: number;
}

export interface PresenceAnnouncerOptions extends PresenceOptions {
  state: StateStore;
  layer: InstanceRecord['layer'];
  backend: string;
  /** The flag-file hash served, and the hash of a rejected reload, read at each announcement. */
  flags?: () => { version?: string; rejected?: string };
  /** Called once with the first announcement failure; later ones are not repeated (the heartbeat retries). Default: a process warning. */
  onError?: (error: Error) => void;
}

export const DEFAULT_HEARTBEAT_MS = 5000;

/**
 * Keeps one instance's presence record fresh: written at start, on every applied live-state change (the
 * acknowledgement `aiflags kill` waits for), on a flag reload, and on an unref'd heartbeat; removed at close.
 * A failed write is reported once and never reaches the app.
 */
export class PresenceAnnouncer {
  readonly id: string;
  private readonly startedAt = Date.now();
  private readonly heartbeatMs: number;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private writing: Promise<void> | undefined;
  private again = false;
  private closed = false;
  private reported = false;

  constructor(private readonly options: PresenceAnnouncerOptions) {
    this.heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    this.id = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  }

  async start(): Promise<void> {
    this.unsubscribe = this.options.state.onChange(() => this.announce());
    this.timer = setInterval(() => this.announce(), this.heartbeatMs);
    this.timer.unref();
    this.announce();
    await this.writing;
  }

  /** The record as of now. */
  record(): InstanceRecord {
    const flags = this.options.flags?.() ?? {};
    return {
      id: this.id,
      host: hostname(),
      pid: process.pid,
      app: this.options.app ?? process.title,
      store: this.options.storeLabel ?? this.options.store.where,
      layer: this.options.layer,
      backend: this.options.backend,
      liveStateVersion: this.options.state.current().version,
      ...(flags.version !== undefined ? { flagsVersion: flags.version } : {}),
      ...(flags.rejected !== undefined ? { flagsRejected: flags.rejected } : {}),
      startedAt: this.startedAt,
      lastSeen: Date.now(),
      heartbeatMs: this.heartbeatMs,
    };
  }

  /** Writes the record now; a call while a write is in flight writes once more after it. */
  announce(): void {
    if (this.closed) return;
    if (this.writing) {
      this.again = true;
      return;
    }
    this.writing = (async () => {
      do {
        this.again = false;
        try {
          await this.options.store.announce(this.record());
        } catch (error) {
          if (!this.reported) {
            this.reported = true;
            const report =
              this.options.onError ??
              ((e: Error) =>
                process.emitWarning(
                  `aiflags: cannot announce this instance in ${this.options.store.where} (${e.message}); \`aiflags kill\` will not see it until it can`,
                ));
            report(error as Error);
          }
        }
      } while (this.again && !this.closed);
    })().finally(() => {
      this.writing = undefined;
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.unsubscribe?.();
    await this.writing;
    await this.options.store.remove(this.id).catch(() => undefined);
  }
}
