import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import {
  AUDIT_ACTIONS,
  changedKeys,
  checkFlagOverride,
  checkKillSwitch,
  killSwitchAction,
  killSwitchEntry,
  readLiveStateJson,
  type ChangeMeta,
  type FlagOverride,
  type LiveState,
  type StateStore,
  redactUrl,
  LiveStateCache,
} from '@aiflags/core';
import { osUser } from './os-user.js';
import { RedisAuditLog } from '../audit/redis-audit-log.js';
import { duplicateClient, ensureConnected, openClient, type RedisConnectionOptions } from '../connection/create-client.js';
import { defaultPrefix, redisKeys, type RedisKeys } from '../keys.js';
import { consoleLogger, type Logger } from '../logger.js';
import { applyChangeScript, restoreScript } from './change-scripts.js';
import { parseChangeMessage, type ChangeMessage } from './change-message.js';

export interface RedisStateStoreOptions extends RedisConnectionOptions {
  /** Key prefix; defaults to `aiflags:<env>`. */
  prefix?: string;
  /** Environment name used in the default prefix; defaults to `default`. */
  env?: string;
  logger?: Logger;
  /** The audit stream is trimmed to about this many entries (default 10 000). */
  auditMaxLength?: number;
  /** How often (ms) the version is compared with Redis as a safety net for lost messages; 0 disables (default 5000). */
  versionCheckIntervalMs?: number;
}

const SWITCH = 'k:';
const FLAG = 'f:';

/**
 * Live state in one Redis hash, cached in process memory. Changes go through a Lua script (entry,
 * version, audit entry and pub/sub message in one atomic step); every instance applies the messages,
 * resyncs on a version gap, on reconnect and when the version check finds a difference, and keeps the
 * last good state while Redis is unreachable or holds a corrupted entry.
 */
export class RedisStateStore extends LiveStateCache implements StateStore {
  readonly audit: RedisAuditLog;
  readonly keys: RedisKeys;
  private readonly client: Redis;
  private readonly ownsClient: boolean;
  /** The pub/sub connection, opened by start(): a one-time read() never opens it. */
  private sub: Redis | undefined;
  private readonly logger: Logger;
  private readonly auditMaxLength: number;
  private readonly versionCheckIntervalMs: number;
  private readonly url: string;
  /** Identity of the Redis hash the state came from; a new epoch means Redis lost it. */
  private epoch: string | undefined;
  private started = false;
  private closed = false;
  private resyncing: Promise<void> | undefined;
  private resyncAgain = false;
  private queued: ChangeMessage[] = [];
  private timer: NodeJS.Timeout | undefined;
  private offline = false;
  /** The last connection error, for a start() failure message that says why (WRONGPASS, ECONNREFUSED…). */
  private lastError: string | undefined;

  constructor(options: RedisStateStoreOptions = {}) {
    super();
    const { client, owned } = openClient(options);
    this.client = client;
    this.ownsClient = owned;
    this.url = redactUrl(options.url ?? `redis://${client.options.host}:${client.options.port}`);
    this.keys = redisKeys(options.prefix ?? defaultPrefix(options.env));
    this.logger = options.logger ?? consoleLogger;
    this.auditMaxLength = options.auditMaxLength ?? 10_000;
    this.versionCheckIntervalMs = options.versionCheckIntervalMs ?? 5000;
    this.audit = new RedisAuditLog(client, this.keys.audit, this.auditMaxLength);
    this.watchConnection(client);
  }

  private watchConnection(c: Redis): void {
    c.on('ready', () => this.onReady());
    c.on('error', (error: Error) => {
      this.lastError = error.message;
      this.onConnectionLost();
    });
    c.on('close', () => this.onConnectionLost());
  }

  /** Reads the state once, without subscribing to changes (what `aiflags eval --live` needs); after start(), the cached state. */
  async read(): Promise<LiveState> {
    if (this.started) return this.state;
    try {
      await ensureConnected(this.client);
      await this.applySnapshot(await this.client.hgetall(this.keys.state));
    } catch (error) {
      throw new Error(`aiflags: cannot read live state from Redis at ${this.url}: ${(error as Error).message}`);
    }
    return this.state;
  }

  async start(): Promise<LiveState> {
    if (this.started) return this.state;
    try {
      let sub = this.sub;
      if (sub === undefined) {
        sub = this.sub = duplicateClient(this.client);
        sub.on('message', (_channel: string, text: string) => this.onMessage(text));
        this.watchConnection(sub);
      }
      await Promise.all([ensureConnected(this.client), ensureConnected(sub)]);
      await sub.subscribe(this.keys.changes);
      this.started = true;
      await this.resync();
    } catch (error) {
      const cause = this.lastError !== undefined && this.lastError !== (error as Error).message ? ` (${this.lastError})` : '';
      throw new Error(`aiflags: cannot load live state from Redis at ${this.url}: ${(error as Error).message}${cause}`);
    }
    if (this.versionCheckIntervalMs > 0) {
      this.timer = setInterval(() => void this.checkVersion(), this.versionCheckIntervalMs);
      this.timer.unref();
    }
    return this.state;
  }

  protected override listenerFailed(error: unknown): void {
    this.logger.error(`aiflags: a live state listener threw: ${(error as Error).message}`);
  }

  async setKillSwitch(name: string, killed: boolean, meta: ChangeMeta & { retryAfter?: number } = {}): Promise<LiveState> {
    const at = new Date().toISOString();
    const actor = meta.actor ?? osUser();
    const checked = checkKillSwitch(killSwitchEntry(killed, { ...meta, actor }, at));
    if (!checked.ok) throw new Error(`aiflags: invalid change to kill switch "${name}": ${checked.problem}`);
    return this.change(SWITCH + name, name, checked.value, killSwitchAction(killed, meta), actor, meta.reason, at);
  }

  /** The audit action of an override is derived inside the change script, from the entry it replaces atomically. */
  async setFlagOverride(flagKey: string, override: FlagOverride | null, meta: ChangeMeta = {}): Promise<LiveState> {
    const checked = override === null ? undefined : checkFlagOverride(override);
    if (checked !== undefined && !checked.ok) throw new Error(`aiflags: invalid override for flag "${flagKey}": ${checked.problem}`);
    const at = new Date().toISOString();
    return this.change(FLAG + flagKey, flagKey, override, meta.action ?? '', meta.actor ?? osUser(), meta.reason, at);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.listeners.clear();
    this.sub?.disconnect();
    if (this.ownsClient) {
      if (this.client.status === 'ready') await this.client.quit().catch(() => this.client.disconnect());
      else this.client.disconnect();
    }
  }

  private async change(
    field: string,
    target: string,
    value: unknown,
    action: string,
    actor: string,
    reason: string | undefined,
    at: string,
  ): Promise<LiveState> {
    // Before start() no message would be applied, and the caller expects to see its change.
    if (!this.started) await this.start();
    const json = value === null ? '' : JSON.stringify(value);
    const args = [field, json, action, actor, reason ?? '', reason === undefined ? '0' : '1', at, target];
    let reply: [number, string, string];
    try {
      reply = (await applyChangeScript.run(
        this.client,
        [this.keys.state, this.keys.audit],
        [...args, this.auditMaxLength, this.keys.changes, randomUUID(), ...overrideActionNames],
      )) as [number, string, string];
    } catch (error) {
      // An error reply comes from the script before its first write (the audit entry goes first): nothing changed.
      // Any other failure (connection lost mid-call) leaves it unknown, and the message must not claim either.
      if ((error as Error).name !== 'ReplyError') throw error;
      throw new Error(
        `aiflags: ${this.keys.state} at ${this.url}: cannot record the change to '${target}' (${(error as Error).message}); the change was NOT applied and no audit entry was written`,
        { cause: error },
      );
    }
    const [version, epoch] = reply;
    // Our own message may already have been applied; otherwise apply it now so the caller sees it.
    this.onMessage({ version, epoch, field, value: value ?? null });
    if (this.resyncing) await this.resyncing;
    return this.state;
  }

  private onMessage(input: string | ChangeMessage): void {
    if (this.closed || !this.started) return;
    const message = typeof input === 'string' ? parseChangeMessage(input) : input;
    if (message === undefined) {
      this.logger.error(`aiflags: ignored a malformed change message on ${this.keys.changes}; resyncing`);
      void this.resync();
      return;
    }
    if (this.resyncing) {
      this.queued.push(message);
      return;
    }
    if (message.epoch !== this.epoch || message.resync) {
      void this.resync();
      return;
    }
    if (message.version <= this.state.version) return;
    if (message.version > this.state.version + 1 || message.field === undefined) {
      void this.resync();
      return;
    }
    const next = this.withEntry(this.state, message.field, message.value === null ? null : JSON.stringify(message.value));
    next.version = message.version;
    this.commit(next, [entryName(message.field)]);
  }

  /** Reloads the whole state; concurrent calls share one load, and a call during a load triggers another. */
  private resync(): Promise<void> {
    if (this.resyncing) {
      this.resyncAgain = true;
      return this.resyncing;
    }
    const run = async (): Promise<void> => {
      do {
        this.resyncAgain = false;
        const hash = await this.client.hgetall(this.keys.state);
        if (await this.applySnapshot(hash)) this.resyncAgain = true;
      } while (this.resyncAgain && !this.closed);
    };
    this.resyncing = run()
      .catch((error: Error) => {
        this.logger.warn(`aiflags: live state resync from Redis at ${this.url} failed (${error.message}); keeping version ${this.state.version}`);
        if (!this.started) throw error;
      })
      .finally(() => {
        this.resyncing = undefined;
        const queued = this.queued;
        this.queued = [];
        for (const message of queued) this.onMessage(message);
      });
    return this.resyncing;
  }

  /** Applies a snapshot; true when Redis had lost our state and it was restored (read again). */
  private async applySnapshot(hash: Record<string, string>): Promise<boolean> {
    const epoch = hash.e;
    const version = hash.v === undefined ? 0 : Number(hash.v);
    if (!Number.isInteger(version) || version < 0) {
      this.logger.error(
        `aiflags: rejected live state in ${this.keys.state}: version ${JSON.stringify(hash.v)} is not a non-negative integer; keeping version ${this.state.version}`,
      );
      return false;
    }
    if (this.epoch !== undefined && epoch !== this.epoch && hasEntries(this.state)) {
      await this.restore();
      this.epoch = undefined;
      return true;
    }
    if (epoch === this.epoch && version === this.state.version && epoch !== undefined) return false;
    let next: LiveState = { version, flags: {}, killSwitches: {} };
    for (const [field, text] of Object.entries(hash)) {
      if (field.startsWith(SWITCH) || field.startsWith(FLAG)) next = this.withEntry(next, field, text, this.state);
    }
    this.epoch = epoch;
    this.commit(next, changedKeys(this.state, next));
    return false;
  }

  /** Writes the entries this process knows back into a Redis that lost them. */
  private async restore(): Promise<void> {
    const pairs: string[] = [];
    for (const [name, entry] of Object.entries(this.state.killSwitches)) pairs.push(SWITCH + name, JSON.stringify(entry));
    for (const [name, entry] of Object.entries(this.state.flags)) pairs.push(FLAG + name, JSON.stringify(entry));
    this.logger.warn(`aiflags: Redis at ${this.url} lost the live state (version ${this.state.version}); restoring the entries this instance knows`);
    await restoreScript.run(
      this.client,
      [this.keys.state, this.keys.audit],
      [this.epoch ?? '', randomUUID(), this.keys.changes, new Date().toISOString(), osUser(), this.auditMaxLength, AUDIT_ACTIONS.restore, ...pairs],
    );
  }

  /**
   * A copy of `state` with one entry set (text) or removed (null). A corrupted entry is logged and
   * the last good value (from `fallback`, default `state`) is kept.
   */
  private withEntry(state: LiveState, field: string, text: string | null, fallback: LiveState = state): LiveState {
    const isSwitch = field.startsWith(SWITCH);
    const name = entryName(field);
    const next: LiveState = { version: state.version, flags: { ...state.flags }, killSwitches: { ...state.killSwitches } };
    const section = (isSwitch ? next.killSwitches : next.flags) as Record<string, unknown>;
    if (text === null) {
      delete section[name];
      return next;
    }
    const read = isSwitch ? readLiveStateJson(text, checkKillSwitch) : readLiveStateJson(text, checkFlagOverride);
    if (read.ok) {
      section[name] = read.value;
      return next;
    }
    const last = (isSwitch ? fallback.killSwitches : fallback.flags)[name];
    this.logger.error(
      `aiflags: rejected ${isSwitch ? 'killSwitches' : 'flags'}.${name} in ${this.keys.state}: ${read.problem}; ` +
        (last === undefined ? 'no last good value, leaving it unset' : 'keeping the last good value'),
    );
    if (last === undefined) delete section[name];
    else section[name] = last;
    return next;
  }

  private commit(next: LiveState, changed: string[]): void {
    this.state = next;
    this.listeners.emit(next, changed);
  }

  private async checkVersion(): Promise<void> {
    if (this.resyncing || this.closed || this.client.status !== 'ready') return;
    try {
      const [v, e] = await this.client.hmget(this.keys.state, 'v', 'e');
      if (Number(v ?? 0) !== this.state.version || (e ?? undefined) !== this.epoch) await this.resync();
    } catch {
      // The reconnect path resyncs; nothing to do here.
    }
  }

  private onReady(): void {
    if (!this.started || this.closed) return;
    if (this.offline) this.logger.warn(`aiflags: reconnected to Redis at ${this.url}; resyncing live state`);
    this.offline = false;
    void this.resync();
  }

  private onConnectionLost(): void {
    if (!this.started || this.closed || this.offline) return;
    this.offline = true;
    this.logger.warn(`aiflags: lost the connection to Redis at ${this.url}; serving live state version ${this.state.version} until it returns`);
  }
}

/** The names the change script gives an override change, in the order it reads them (ARGV[12..16]). */
const overrideActionNames = [AUDIT_ACTIONS.clearOverride, AUDIT_ACTIONS.enable, AUDIT_ACTIONS.disable, AUDIT_ACTIONS.setPercentage, AUDIT_ACTIONS.setOverride];

function entryName(field: string): string {
  return field.slice(2);
}

function hasEntries(state: LiveState): boolean {
  return Object.keys(state.flags).length > 0 || Object.keys(state.killSwitches).length > 0;
}
