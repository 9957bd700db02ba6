import type { Redis } from 'ioredis';
import {
  isInstanceAlive,
  PRESENCE_MISSED_HEARTBEATS,
  readInstanceRecord,
  redactUrl,
  type InstanceRecord,
  type PresenceRead,
  type PresenceStore,
} from '@aiflags/core';
import { duplicateClient, ensureConnected, openClient, type RedisConnectionOptions } from '../connection/create-client.js';
import { defaultPrefix, redisKeys, type RedisKeys } from '../keys.js';

export interface RedisPresenceStoreOptions extends RedisConnectionOptions {
  /** Key prefix; defaults to `aiflags:default`. */
  prefix?: string;
}

/**
 * Presence in Redis: one hash of records under the prefix (`list` is one HGETALL, however many instances),
 * and every announcement also published on the prefix's acks channel so a waiting `aiflags kill` hears
 * confirmations as they happen. The hash expires 3 heartbeats after the last announcement; dead records
 * inside it are pruned by readers.
 */
export class RedisPresenceStore implements PresenceStore {
  readonly keys: RedisKeys;
  readonly where: string;
  private readonly client: Redis;
  private readonly ownsClient: boolean;

  constructor(options: RedisPresenceStoreOptions = {}) {
    const { client, owned } = openClient(options);
    this.client = client;
    this.ownsClient = owned;
    this.keys = redisKeys(options.prefix ?? defaultPrefix());
    this.where = `Redis ${redactUrl(options.url ?? `redis://${client.options.host}:${client.options.port}`)} key ${this.keys.instances}`;
  }

  async announce(record: InstanceRecord): Promise<void> {
    await ensureConnected(this.client);
    const json = JSON.stringify(record);
    const ttl = PRESENCE_MISSED_HEARTBEATS * record.heartbeatMs;
    await this.client
      .multi()
      // The ack first: a waiting `aiflags kill` hears it before the record is stored.
      .publish(this.keys.acks, json)
      .hset(this.keys.instances, record.id, json)
      .pexpire(this.keys.instances, ttl, 'NX')
      .pexpire(this.keys.instances, ttl, 'GT')
      .exec();
  }

  async remove(id: string): Promise<void> {
    await ensureConnected(this.client);
    await this.client.hdel(this.keys.instances, id);
  }

  async list(): Promise<PresenceRead> {
    await ensureConnected(this.client);
    const hash = await this.client.hgetall(this.keys.instances);
    const now = Date.now();
    const instances: InstanceRecord[] = [];
    const dead: string[] = [];
    let skipped = 0;
    for (const [id, text] of Object.entries(hash)) {
      const record = readInstanceRecord(text);
      if (!record) skipped++;
      else if (isInstanceAlive(record, now)) instances.push(record);
      else dead.push(id);
    }
    if (dead.length > 0) await this.client.hdel(this.keys.instances, ...dead).catch(() => undefined);
    instances.sort((a, b) => a.startedAt - b.startedAt || a.id.localeCompare(b.id));
    return { instances, skipped };
  }

  async watch(listener: (record: InstanceRecord) => void): Promise<() => Promise<void>> {
    const sub = duplicateClient(this.client);
    sub.on('error', () => undefined);
    sub.on('message', (_channel: string, text: string) => {
      const record = readInstanceRecord(text);
      if (record) listener(record);
    });
    await ensureConnected(sub);
    await sub.subscribe(this.keys.acks);
    return async () => {
      sub.disconnect();
    };
  }

  async close(): Promise<void> {
    if (!this.ownsClient) return;
    if (this.client.status === 'ready') await this.client.quit().catch(() => this.client.disconnect());
    else this.client.disconnect();
  }
}
