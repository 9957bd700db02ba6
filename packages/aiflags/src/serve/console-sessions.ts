import { randomBytes } from 'node:crypto';

/** A browser signed in to the console: who (the token's name) and whether the token may write. */
export interface ConsoleSession {
  readonly id: string;
  readonly name: string | undefined;
  readonly write: boolean;
  /** Epoch ms. */
  readonly expiresAt: number;
}

export interface ConsoleSessionsOptions {
  /** ms a session lasts (default 12 h). */
  ttlMs?: number;
  /** Most sessions kept (default 1000); the oldest goes first, so sign-ins cannot fill memory. */
  max?: number;
  clock?: () => number;
}

/** The console's sign-ins, in memory: a restart signs everyone out, which is the safe direction. */
export class ConsoleSessions {
  private readonly sessions = new Map<string, ConsoleSession>();
  private readonly ttlMs: number;
  private readonly max: number;
  private readonly clock: () => number;

  constructor(options: ConsoleSessionsOptions = {}) {
    this.ttlMs = options.ttlMs ?? 12 * 3_600_000;
    this.max = options.max ?? 1000;
    this.clock = options.clock ?? Date.now;
  }

  create(name: string | undefined, write: boolean): ConsoleSession {
    while (this.sessions.size >= this.max) {
      const oldest = this.sessions.keys().next().value;
      if (oldest === undefined) break;
      this.sessions.delete(oldest);
    }
    const session: ConsoleSession = { id: randomBytes(24).toString('base64url'), name, write, expiresAt: this.clock() + this.ttlMs };
    this.sessions.set(session.id, session);
    return session;
  }

  get(id: string | undefined): ConsoleSession | undefined {
    if (id === undefined) return undefined;
    const session = this.sessions.get(id);
    if (session === undefined || session.expiresAt > this.clock()) return session;
    this.sessions.delete(id);
    return undefined;
  }
}
