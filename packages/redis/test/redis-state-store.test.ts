import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { RedisStateStore, redisKeys } from '@aiflags/redis';
import { deletePrefix, eventually, recordingLogger, testPrefix, testRedisUrl } from '@aiflags/testing';

const open: Array<{ close(): Promise<void> | void }> = [];
const prefixes: string[] = [];

function setup(name: string) {
  const prefix = testPrefix(name);
  prefixes.push(prefix);
  const keys = redisKeys(prefix);
  const raw = new Redis(testRedisUrl);
  open.push({ close: () => raw.disconnect() });
  const store = (options: { versionCheckIntervalMs?: number } = {}) => {
    const logger = recordingLogger();
    const s = new RedisStateStore({ url: testRedisUrl, prefix, logger, ...options });
    open.push(s);
    return Object.assign(s, { log: logger });
  };
  return { prefix, keys, raw, store };
}

afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
  for (const p of prefixes.splice(0)) await deletePrefix(p);
});

describe('RedisStateStore', () => {
  it('read() returns the current state once without subscribing: no pub/sub connection is opened', async () => {
    const { store, raw, keys } = setup('read-once');
    const writer = store();
    await writer.start();
    await writer.setKillSwitch('chat', true, { actor: 'oncall', reason: 'bad answers' });
    await writer.setFlagOverride('model', { percentage: 5 }, { actor: 'oncall' });
    const subscribersBefore = Number((await raw.pubsub('NUMSUB', keys.changes))[1]);
    const reader = store();
    const state = await reader.read();
    expect(state.version).toBe(2);
    expect(state.killSwitches.chat).toMatchObject({ killed: true, reason: 'bad answers' });
    expect(state.flags.model).toEqual({ percentage: 5 });
    expect(Number((await raw.pubsub('NUMSUB', keys.changes))[1])).toBe(subscribersBefore);
    await reader.close();
  });

  it('a kill in one instance reaches another through pub/sub, with version and changed keys', async () => {
    const { store } = setup('pubsub');
    const a = store();
    const b = store();
    await a.start();
    await b.start();
    const seen: Array<[number, string[]]> = [];
    b.onChange((state, changed) => seen.push([state.version, changed]));
    const after = await a.setKillSwitch('ai_agent_enabled', true, { reason: 'incident 42', actor: 'oncall', retryAfter: 120 });
    expect(after.version).toBe(1);
    expect(after.killSwitches.ai_agent_enabled).toMatchObject({ killed: true, reason: 'incident 42', actor: 'oncall', retryAfter: 120 });
    await eventually(() => b.current().version === 1, 2000, 'b sees version 1');
    expect(b.current().killSwitches.ai_agent_enabled?.killed).toBe(true);
    expect(seen).toEqual([[1, ['ai_agent_enabled']]]);
  });

  it('flag overrides replace, and null removes them', async () => {
    const { store } = setup('overrides');
    const a = store();
    const b = store();
    await a.start();
    await b.start();
    await a.setFlagOverride('chat-model', { percentage: 5 });
    await a.setFlagOverride('chat-model', { enabled: false, percentage: 5 });
    await eventually(() => b.current().version === 2);
    expect(b.current().flags['chat-model']).toEqual({ enabled: false, percentage: 5 });
    await a.setFlagOverride('chat-model', null);
    await eventually(() => b.current().version === 3);
    expect(b.current().flags).toEqual({});
  });

  it('rejects an invalid change naming the flag or switch and the field', async () => {
    const { store } = setup('invalid');
    const a = store();
    await a.start();
    await expect(a.setFlagOverride('chat-model', { percentage: 140 })).rejects.toThrow(/flag "chat-model": percentage/);
    await expect(a.setKillSwitch('agent', true, { retryAfter: -5 })).rejects.toThrow(/kill switch "agent": retryAfter/);
    expect(a.current().version).toBe(0);
  });

  it('a change made before start() starts the store first', async () => {
    const { store } = setup('unstarted');
    const a = store();
    expect((await a.setKillSwitch('agent', true)).killSwitches.agent?.killed).toBe(true);
    expect(a.current().version).toBe(1);
  });

  it('a new instance loads the whole state at start', async () => {
    const { store } = setup('load');
    const a = store();
    await a.start();
    await a.setKillSwitch('agent', true);
    await a.setFlagOverride('prompt', { percentage: 50 });
    const late = store();
    const state = await late.start();
    expect(state.version).toBe(2);
    expect(state.killSwitches.agent?.killed).toBe(true);
    expect(state.flags.prompt).toEqual({ percentage: 50 });
  });

  it('notices a version gap and resyncs', async () => {
    const { store, raw, keys } = setup('gap');
    const a = store();
    const b = store({ versionCheckIntervalMs: 0 });
    await a.start();
    await b.start();
    await a.setKillSwitch('agent', false);
    await eventually(() => b.current().version === 1);
    // Two changes whose messages b never gets: written behind its back, then a message for the second only.
    const epoch = await raw.hget(keys.state, 'e');
    await raw.hset(keys.state, 'k:agent', JSON.stringify({ killed: true, at: new Date().toISOString() }), 'f:model', '{"percentage":10}', 'v', '3');
    await raw.publish(keys.changes, JSON.stringify({ version: 3, epoch, field: 'f:model', value: { percentage: 10 } }));
    await eventually(() => b.current().version === 3, 2000, 'b resyncs to version 3');
    expect(b.current().killSwitches.agent?.killed).toBe(true);
    expect(b.current().flags.model).toEqual({ percentage: 10 });
  });

  it('the version check finds a change whose message was lost', async () => {
    const { store, raw, keys } = setup('poll');
    const a = store({ versionCheckIntervalMs: 50 });
    await a.start();
    await a.setKillSwitch('agent', false);
    await raw.hset(keys.state, 'k:agent', JSON.stringify({ killed: true, at: new Date().toISOString() }), 'v', '2');
    await eventually(() => a.current().killSwitches.agent?.killed === true, 2000, 'poll picks up the change');
  });

  describe('a corrupted state value in Redis', () => {
    it.each([
      ['not JSON', '{"killed": tru'],
      ['wrong shape', '{"killed":"yes","at":"2026-01-01T00:00:00Z"}'],
      ['missing field', '{"killed":true}'],
    ])('%s: rejected with a logged error, last good value kept', async (_label, corrupted) => {
      const { store, raw, keys } = setup('corrupt');
      const writer = store();
      const reader = store();
      await writer.start();
      await reader.start();
      await writer.setKillSwitch('agent', true, { reason: 'good' });
      await writer.setFlagOverride('model', { percentage: 5 });
      await eventually(() => reader.current().version === 2);
      await raw.hset(keys.state, 'k:agent', corrupted);
      // A real change elsewhere makes the reader resync (through a gap) and read the corrupted entry.
      await raw.hincrby(keys.state, 'v', 1);
      await writer.setFlagOverride('model', { percentage: 20 });
      await eventually(() => reader.current().version === 4, 2000, 'reader resyncs');
      expect(reader.current().killSwitches.agent).toMatchObject({ killed: true, reason: 'good' });
      expect(reader.current().flags.model).toEqual({ percentage: 20 });
      expect(reader.log.errors.join('\n')).toMatch(/rejected killSwitches\.agent .*keeping the last good value/);
    });

    it('a published message with a bad value is rejected too', async () => {
      const { store, raw, keys } = setup('corrupt-message');
      const a = store();
      await a.start();
      await a.setFlagOverride('model', { percentage: 5 });
      const epoch = await raw.hget(keys.state, 'e');
      await raw.publish(keys.changes, JSON.stringify({ version: 2, epoch, field: 'f:model', value: { percentage: 'lots' } }));
      await eventually(() => a.log.errors.length > 0, 2000, 'logged error');
      expect(a.current().flags.model).toEqual({ percentage: 5 });
      expect(a.log.errors[0]).toMatch(/rejected flags\.model .*percentage/);
    });

    it('a corrupted version keeps the whole last good state', async () => {
      const { store, raw, keys } = setup('corrupt-version');
      const a = store({ versionCheckIntervalMs: 50 });
      await a.start();
      await a.setKillSwitch('agent', true);
      await raw.hset(keys.state, 'v', 'banana', 'k:agent', '{"killed":false,"at":"x"}');
      await eventually(() => a.log.errors.some((e) => /version "banana"/.test(e)), 2000, 'logged error');
      expect(a.current().killSwitches.agent?.killed).toBe(true);
    });
  });

  it('restores its known state when Redis loses it (flush, restart without persistence)', async () => {
    const { store, raw, keys } = setup('restore');
    const a = store({ versionCheckIntervalMs: 50 });
    await a.start();
    await a.setKillSwitch('agent', true, { reason: 'incident' });
    await raw.del(keys.state);
    await eventually(async () => (await raw.hget(keys.state, 'k:agent')) !== null, 2000, 'restored into Redis');
    const fresh = store();
    expect((await fresh.start()).killSwitches.agent).toMatchObject({ killed: true, reason: 'incident' });
    const [restore] = await a.audit.list({ limit: 1 });
    expect(restore).toMatchObject({ action: 'restore', after: ['k:agent'] });
  });

  describe('audit log', () => {
    it('records who, what, before, after and why; newest first; filtered by target', async () => {
      const { store } = setup('audit');
      const a = store();
      await a.start();
      await a.setKillSwitch('agent', true, { actor: 'alice', reason: 'cost spike' });
      await a.setFlagOverride('model', { percentage: 5 }, { actor: 'bob' });
      await a.setKillSwitch('agent', false, { actor: 'alice' });
      await a.setFlagOverride('model', { percentage: 25 }, { actor: 'ctl', action: 'rollout-advance' });
      const all = await a.audit.list();
      expect(all.map((e) => [e.action, e.target, e.actor])).toEqual([
        ['rollout-advance', 'model', 'ctl'],
        ['revive', 'agent', 'alice'],
        ['set-percentage', 'model', 'bob'],
        ['kill', 'agent', 'alice'],
      ]);
      expect(all[3]).toMatchObject({ before: null, after: { killed: true, reason: 'cost spike' }, reason: 'cost spike' });
      expect(all[1]!.before).toMatchObject({ killed: true });
      const agent = await a.audit.list({ target: 'agent', limit: 1 });
      expect(agent.map((e) => e.action)).toEqual(['revive']);
      const appended = await a.audit.append({ actor: 'cli', action: 'note', target: 'model', before: null, after: null, reason: 'checked' });
      expect((await a.audit.list({ limit: 1 }))[0]).toEqual(appended);
    });

    it('pages through a long log when filtering by target', async () => {
      const { store } = setup('audit-pages');
      const a = store();
      await a.start();
      await a.setKillSwitch('rare', true);
      for (let i = 0; i < 250; i++) await a.audit.append({ actor: 'x', action: 'note', target: 'busy', before: null, after: i });
      const rare = await a.audit.list({ target: 'rare' });
      expect(rare.map((e) => e.action)).toEqual(['kill']);
      expect(await a.audit.list({ limit: 3 })).toHaveLength(3);
    });
  });
});
