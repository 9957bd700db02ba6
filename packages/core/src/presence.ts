import { z } from 'zod';

/**
 * Instance presence: every process serving flags announces itself in the live-state store it reads, so
 * `aiflags kill` can wait for each one to confirm it applied a change, and `aiflags instances` can list
 * who reads which store. Stores keep records in `.aiflags/instances/` (one machine) or Redis (every machine).
 */

/** One process serving flags, as it announces itself. Times are ms since the epoch. */
export interface InstanceRecord {
  /** Unique per provider instance (a process may hold several). */
  id: string;
  host: string;
  pid: number;
  /** The app name (AIFLAGS_APP_NAME, else the process title). */
  app: string;
  /** The live-state store it reads, for people: a file path, or a Redis URL without its password and the key prefix. */
  store: string;
  /** Which layer applies live state here: the local provider, or the overlay over a vendor backend. */
  layer: 'local' | 'overlay';
  /** The backend answering flags: local, launchdarkly, unleash. */
  backend: string;
  /** The live-state version it has applied. */
  liveStateVersion: number;
  /** A hash of the flag file it serves (local backend), absent when it serves none. */
  flagsVersion?: string;
  /** Set when the flag file on disk was rejected on reload: the hash of the rejected content; the last good flags keep serving. */
  flagsRejected?: string;
  startedAt: number;
  lastSeen: number;
  /** How often it refreshes `lastSeen`, in ms; a record older than 3 heartbeats is dead. */
  heartbeatMs: number;
}

export const InstanceRecordSchema = z.object({
  id: z.string().min(1).max(200),
  host: z.string().max(300),
  pid: z.number().int().nonnegative(),
  app: z.string().max(300),
  store: z.string().max(2000),
  layer: z.enum(['local', 'overlay']),
  backend: z.string().max(100),
  liveStateVersion: z.number().int().nonnegative(),
  flagsVersion: z.string().max(200).optional(),
  flagsRejected: z.string().max(200).optional(),
  startedAt: z.number().nonnegative(),
  lastSeen: z.number().nonnegative(),
  heartbeatMs: z.number().positive(),
});

/** How many heartbeats a record may miss before it counts as dead. */
export const PRESENCE_MISSED_HEARTBEATS = 3;

/** A stored record, or undefined when it is not valid JSON of the right shape (a corrupted record is ignored, never thrown). */
export function readInstanceRecord(text: string): InstanceRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = InstanceRecordSchema.safeParse(value);
  return parsed.success ? (parsed.data as InstanceRecord) : undefined;
}

/** True while the record has missed fewer than 3 heartbeats at `now` (ms since the epoch). */
export function isInstanceAlive(record: InstanceRecord, now: number): boolean {
  return now - record.lastSeen < PRESENCE_MISSED_HEARTBEATS * record.heartbeatMs;
}

/** A read of the presence records: the live instances, and how many records were unreadable and left out. */
export interface PresenceRead {
  instances: InstanceRecord[];
  skipped: number;
}

/** Where instances announce themselves; lives beside the live state it describes. */
export interface PresenceStore {
  /** Writes (or refreshes) a record; also tells anyone waiting (`watch`) at once. */
  announce(record: InstanceRecord): Promise<void>;
  remove(id: string): Promise<void>;
  /** The live instances, in one read; dead records are left out (and pruned), unreadable ones counted. */
  list(): Promise<PresenceRead>;
  /** Calls `listener` with each record announced from now on; resolves when listening. Returns the stop function. */
  watch(listener: (record: InstanceRecord) => void): Promise<() => Promise<void>>;
  /** For people: where the records are. */
  readonly where: string;
}
