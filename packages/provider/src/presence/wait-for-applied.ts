import type { InstanceRecord, PresenceStore } from '@aiflags/core';

/** Who confirmed a live-state version, and who did not in time. */
export interface DeliveryReport {
  /** The version waited for. */
  version: number;
  /** Instances alive when the change was written (one read of the presence records). */
  total: number;
  confirmed: number;
  /** ms from the write's start to the last confirmation; undefined when none confirmed. */
  slowestMs: number | undefined;
  slowest: InstanceRecord | undefined;
  /** Alive at the write, and no confirmation within the wait. */
  missing: InstanceRecord[];
  /** Presence records that were unreadable and ignored. */
  skipped: number;
}

/** A wait started before the change is written, so no confirmation is missed; `until` runs after the write. */
export interface DeliveryWait {
  /**
   * Waits until every instance alive now has announced `version` or later, at most `timeoutMs`.
   * `startedAt` (performance.now() ms) is when the write began; confirmation times are measured from it.
   */
  until(version: number, timeoutMs: number, startedAt: number): Promise<DeliveryReport>;
  /** Stops listening; `until` does it too. */
  stop(): Promise<void>;
}

/** Starts listening for acknowledgements on `presence`; call before writing the change. */
export async function watchDelivery(presence: PresenceStore): Promise<DeliveryWait> {
  // Highest version each instance reported, and when (performance.now()) it first reached `target`.
  const seen = new Map<string, { record: InstanceRecord; at: number }>();
  let wake: (() => void) | undefined;
  const stopWatching = await presence.watch((record) => {
    const before = seen.get(record.id);
    if (!before || record.liveStateVersion > before.record.liveStateVersion) seen.set(record.id, { record, at: performance.now() });
    wake?.();
  });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await stopWatching();
  };
  return {
    stop,
    async until(version, timeoutMs, startedAt) {
      try {
        const read = await presence.list();
        const listedAt = performance.now();
        const targets = read.instances;
        const confirmedAt = new Map<string, number>();
        const check = () => {
          for (const t of targets) {
            if (confirmedAt.has(t.id)) continue;
            const s = seen.get(t.id);
            if (s && s.record.liveStateVersion >= version) confirmedAt.set(t.id, s.at);
            else if (t.liveStateVersion >= version) confirmedAt.set(t.id, listedAt);
          }
          return confirmedAt.size === targets.length;
        };
        const deadline = startedAt + timeoutMs;
        while (!check()) {
          const left = deadline - performance.now();
          if (left <= 0) break;
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, left);
            wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          wake = undefined;
        }
        let slowest: InstanceRecord | undefined;
        let slowestMs: number | undefined;
        for (const t of targets) {
          const at = confirmedAt.get(t.id);
          if (at === undefined) continue;
          const ms = Math.max(0, at - startedAt);
          if (slowestMs === undefined || ms > slowestMs) {
            slowestMs = ms;
            slowest = t;
          }
        }
        return {
          version,
          total: targets.length,
          confirmed: confirmedAt.size,
          slowestMs,
          slowest,
          missing: targets.filter((t) => !confirmedAt.has(t.id)),
          skipped: read.skipped,
        };
      } finally {
        await stop();
      }
    },
  };
}
