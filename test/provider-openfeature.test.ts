import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ErrorCode, OpenFeature, ProviderEvents, type EventDetails } from '@openfeature/server-sdk';
import { LocalProvider } from '@aiflags/provider';
import { MemoryStateStore } from '@aiflags/file';

/** The flag set of the tests, as an object source (the file tests use the same content as YAML). */
const FLAGS = {
  id: 'chat-app',
  version: '2026-11-25',
  segments: {
    staff: { conditions: [{ attribute: 'email', op: 'ends_with', values: ['@acme.com'] }] },
  },
  flags: {
    'chat-model': {
      changeType: 'model-swap',
      variants: {
        control: { model: 'gpt-4o', provider: 'openai', temperature: 0.7 },
        treatment: { model: 'claude-sonnet-4', provider: 'anthropic', temperature: 0.7 },
      },
      defaultVariant: 'control',
      rollout: { variant: 'treatment', percentage: 5 },
      rules: [{ name: 'staff-first', segment: 'staff', variant: 'treatment' }],
    },
    'system-prompt': {
      changeType: 'system-prompt',
      variants: { a: 'You are helpful.', b: 'You are concise.', c: 'You are a senior engineer.' },
      defaultVariant: 'a',
      split: { a: 33, b: 33, c: 34 },
    },
    temperature: { changeType: 'parameter', variants: { low: 0.2, high: 0.9 }, defaultVariant: 'low' },
    new_system_prompt: { enabled: true, percentage: 10 },
    retired: { enabled: false, variants: { old: 'legacy', next: 'modern' }, defaultVariant: 'next', offVariant: 'old' },
  },
  killSwitches: { ai_agent_enabled: {}, web_search_enabled: { retryAfter: 60 } },
};

/** A provider registered under its own OpenFeature domain, and that domain's client. */
async function open(provider: LocalProvider) {
  const domain = randomUUID();
  await OpenFeature.setProviderAndWait(domain, provider);
  return OpenFeature.getClient(domain);
}

describe('LocalProvider through the OpenFeature client', () => {
  it('serves every variant type with reasons, variants and flag-set metadata', async () => {
    const client = await open(new LocalProvider({ flags: FLAGS }));
    const ctx = { targetingKey: 'user-1' };

    const model = await client.getObjectDetails('chat-model', {}, ctx);
    expect(['control', 'treatment']).toContain(model.variant);
    expect(model.reason).toBe('SPLIT');
    expect(model.value).toHaveProperty('model');
    expect(model.flagMetadata).toMatchObject({ flagSetId: 'chat-app', flagSetVersion: '2026-11-25', changeType: 'model-swap' });

    const prompt = await client.getStringDetails('system-prompt', 'fallback', ctx);
    expect(prompt.reason).toBe('SPLIT');
    expect(['You are helpful.', 'You are concise.', 'You are a senior engineer.']).toContain(prompt.value);

    const temperature = await client.getNumberDetails('temperature', 1, ctx);
    expect(temperature).toMatchObject({ value: 0.2, variant: 'low', reason: 'STATIC' });

    const shorthand = await client.getBooleanDetails('new_system_prompt', true, ctx);
    expect(typeof shorthand.value).toBe('boolean');
    expect(shorthand.variant).toBe(shorthand.value ? 'on' : 'off');
    expect(shorthand.errorCode).toBeUndefined();
  });

  it('a targeting rule wins before the rollout: TARGETING_MATCH', async () => {
    const client = await open(new LocalProvider({ flags: FLAGS }));
    const details = await client.getObjectDetails('chat-model', {}, { targetingKey: 'u-9', email: 'dev@acme.com' });
    expect(details).toMatchObject({ variant: 'treatment', reason: 'TARGETING_MATCH' });
  });

  it('a disabled flag serves its off variant with reason DISABLED', async () => {
    const client = await open(new LocalProvider({ flags: FLAGS }));
    expect(await client.getStringDetails('retired', 'x', { targetingKey: 'u' })).toMatchObject({ value: 'legacy', variant: 'old', reason: 'DISABLED' });
  });

  it.each([
    ['boolean asked of a string flag', (c: Client) => c.getBooleanDetails('system-prompt', false, { targetingKey: 'u' }), false],
    ['string asked of an object flag', (c: Client) => c.getStringDetails('chat-model', 'dflt', { targetingKey: 'u' }), 'dflt'],
    ['number asked of a boolean flag', (c: Client) => c.getNumberDetails('new_system_prompt', 7, { targetingKey: 'u' }), 7],
    ['object asked of a number flag', (c: Client) => c.getObjectDetails('temperature', { d: 1 }, { targetingKey: 'u' }), { d: 1 }],
  ] as const)('TYPE_MISMATCH (%s) returns the caller default', async (_name, call, fallback) => {
    const client = await open(new LocalProvider({ flags: FLAGS }));
    const details = await call(client);
    expect(details).toMatchObject({ value: fallback, reason: 'ERROR', errorCode: ErrorCode.TYPE_MISMATCH });
  });

  it('FLAG_NOT_FOUND returns the caller default', async () => {
    const client = await open(new LocalProvider({ flags: FLAGS }));
    expect(await client.getBooleanDetails('nope', true, { targetingKey: 'u' })).toMatchObject({
      value: true,
      reason: 'ERROR',
      errorCode: ErrorCode.FLAG_NOT_FOUND,
    });
  });

  it('TARGETING_KEY_MISSING on a rollout without a unit returns the caller default', async () => {
    const client = await open(new LocalProvider({ flags: FLAGS }));
    const details = await client.getBooleanDetails('new_system_prompt', true, {});
    expect(details).toMatchObject({ value: true, reason: 'ERROR', errorCode: ErrorCode.TARGETING_KEY_MISSING });
    // A flag that needs no bucketing is still served without a targeting key.
    expect(await client.getNumberDetails('temperature', 1, {})).toMatchObject({ value: 0.2, reason: 'STATIC' });
  });

  it('PARSE_ERROR when the flags failed to load at startup; the caller default is served', async () => {
    const provider = new LocalProvider({ flags: { flags: { bad: { variants: { a: 1 }, defaultVariant: 'missing' } } } });
    const domain = randomUUID();
    await expect(OpenFeature.setProviderAndWait(domain, provider)).rejects.toBeDefined();
    const details = await OpenFeature.getClient(domain).getNumberDetails('bad', 3, { targetingKey: 'u' });
    expect(details).toMatchObject({ value: 3, reason: 'ERROR', errorCode: ErrorCode.PARSE_ERROR });
    expect(details.errorMessage).toContain('defaultVariant');
  });

  it('hostile contexts never throw', async () => {
    const client = await open(new LocalProvider({ flags: FLAGS }));
    const huge = 'x'.repeat(1_000_000);
    const contexts = [
      { targetingKey: huge, email: huge },
      { targetingKey: 42 as unknown as string },
      { targetingKey: '', email: { nested: [1, 2, 3] } },
      { targetingKey: 'u', email: null, account: { plan: Symbol.for('x') as unknown as string } },
      { targetingKey: 'u', email: new Date(), __proto__: { polluted: true } },
    ];
    for (const ctx of contexts) {
      for (const key of ['chat-model', 'system-prompt', 'new_system_prompt', 'ai_agent_enabled']) {
        const details = await client.getObjectDetails(key, {}, ctx as never);
        expect(details.reason).toBeDefined();
      }
    }
  });

  it('kill switches: on by default; a kill in the live state turns them off with CONFIGURATION_CHANGED', async () => {
    const state = new MemoryStateStore();
    const client = await open(new LocalProvider({ flags: FLAGS, state }));
    expect(await client.getBooleanDetails('ai_agent_enabled', false, {})).toMatchObject({ value: true, variant: 'on', reason: 'STATIC' });

    const changed = new Promise<EventDetails>((resolve) => client.addHandler(ProviderEvents.ConfigurationChanged, (d) => resolve(d as EventDetails)));
    await state.setKillSwitch('ai_agent_enabled', true, { reason: 'incident', actor: 'alice' });
    expect((await changed).flagsChanged).toEqual(['ai_agent_enabled']);

    const killed = await client.getBooleanDetails('ai_agent_enabled', true, { targetingKey: 'u' });
    expect(killed).toMatchObject({ value: false, variant: 'killed', reason: 'DISABLED' });
    expect(killed.flagMetadata).toMatchObject({ killSwitch: true, retryAfter: 300, killReason: 'incident' });

    await state.setKillSwitch('ai_agent_enabled', false);
    expect((await client.getBooleanDetails('ai_agent_enabled', false, {})).value).toBe(true);
  });

  it('live overrides: a percentage raised to 100 serves the treatment to everyone; enabled=false disables', async () => {
    const state = new MemoryStateStore();
    const client = await open(new LocalProvider({ flags: FLAGS, state }));
    await state.setFlagOverride('chat-model', { percentage: 100 });
    for (let i = 0; i < 50; i++) {
      expect((await client.getObjectDetails('chat-model', {}, { targetingKey: `user-${i}` })).variant).toBe('treatment');
    }
    await state.setFlagOverride('chat-model', { enabled: false });
    expect(await client.getObjectDetails('chat-model', {}, { targetingKey: 'user-1' })).toMatchObject({ variant: 'control', reason: 'DISABLED' });
  });

  it('declares no track() without a sink, so client.track() is a cheap no-op', async () => {
    const provider = new LocalProvider({ flags: FLAGS });
    expect(provider.track).toBeUndefined();
    const client = await open(provider);
    expect(() => client.track('quality', { targetingKey: 'u' }, { value: 4 })).not.toThrow();
  });

  it('track() hands events to the sink', async () => {
    const events: unknown[] = [];
    const client = await open(new LocalProvider({ flags: FLAGS, trackSink: { track: (...args) => void events.push(args) } }));
    client.track('quality', { targetingKey: 'u' }, { value: 4, variant: 'treatment' });
    expect(events).toEqual([['quality', expect.objectContaining({ targetingKey: 'u' }), { value: 4, variant: 'treatment' }]]);
  });
});

type Client = ReturnType<typeof OpenFeature.getClient>;
