import { randomUUID } from 'node:crypto';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OpenFeature, ProviderEvents, ProviderStatus } from '@openfeature/server-sdk';
import { LocalProvider } from '@aiflags/provider';
import { EventQueue } from './support/event-queue.js';

const flagsYaml = (percentage: number, prompt = 'You are helpful.') => `
id: hot-reload
flags:
  chat-model:
    variants:
      control: { model: gpt-4o }
      treatment: { model: claude-sonnet-4 }
    defaultVariant: control
    rollout: { variant: treatment, percentage: ${percentage} }
  system-prompt:
    variants: { a: "${prompt}" }
    defaultVariant: a
killSwitches:
  ai_agent_enabled: {}
`;

describe('LocalProvider over a watched file', () => {
  let dir: string;
  let file: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aiflags-reload-'));
    file = join(dir, 'flags.yaml');
    await writeFile(file, flagsYaml(0));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function start() {
    const domain = randomUUID();
    const provider = new LocalProvider({ file, watch: { pollMs: 100, debounceMs: 20 } });
    await OpenFeature.setProviderAndWait(domain, provider);
    const client = OpenFeature.getClient(domain);
    return { client, provider, events: new EventQueue(client), close: () => OpenFeature.clearProviders() };
  }

  /** Saves like an editor does: write a temporary file, rename it over the flag file. */
  async function atomicSave(text: string) {
    const temp = join(dir, `.flags.yaml.${randomUUID()}.swp`);
    await writeFile(temp, text);
    await rename(temp, file);
  }

  it('reloads an in-place edit and reports the changed flag keys', async () => {
    const { client, events } = await start();
    expect((await client.getObjectDetails('chat-model', {}, { targetingKey: 'u1' })).variant).toBe('control');
    const changed = events.next(ProviderEvents.ConfigurationChanged);
    await writeFile(file, flagsYaml(100));
    expect((await changed).details.flagsChanged).toEqual(['chat-model']);
    expect((await client.getObjectDetails('chat-model', {}, { targetingKey: 'u1' })).variant).toBe('treatment');
  });

  it('reloads an atomic rename save', async () => {
    const { client, events } = await start();
    const changed = events.next(ProviderEvents.ConfigurationChanged);
    await atomicSave(flagsYaml(0, 'You are concise.'));
    expect((await changed).details.flagsChanged).toEqual(['system-prompt']);
    expect((await client.getStringDetails('system-prompt', 'x', {})).value).toBe('You are concise.');
  });

  it('a broken edit keeps the last good flags serving and emits ERROR; the fixed edit emits READY and CONFIGURATION_CHANGED', async () => {
    const { client, events } = await start();
    const error = events.next(ProviderEvents.Error);
    await atomicSave(flagsYaml(100).replace('defaultVariant: control', 'defaultVariant: nowhere'));
    const { details } = await error;
    expect(details.message).toContain('flags.yaml');
    expect(details.message).toContain('chat-model');
    expect(details.message).toContain('defaultVariant');
    expect(client.providerStatus).toBe(ProviderStatus.ERROR);
    // Still the last good flags: percentage 0, no error code.
    const served = await client.getObjectDetails('chat-model', {}, { targetingKey: 'u1' });
    expect(served).toMatchObject({ variant: 'control', reason: 'SPLIT' });
    expect(served.errorCode).toBeUndefined();

    const ready = events.next(ProviderEvents.Ready);
    const changed = events.next(ProviderEvents.ConfigurationChanged);
    await atomicSave(flagsYaml(100));
    await ready;
    expect((await changed).details.flagsChanged).toEqual(['chat-model']);
    expect(client.providerStatus).toBe(ProviderStatus.READY);
    expect((await client.getObjectDetails('chat-model', {}, { targetingKey: 'u1' })).variant).toBe('treatment');
  });

  it('a rejected reload is logged once per distinct error through the OpenFeature logger, and exposed until a good load', async () => {
    const { client, provider, events } = await start();
    const errors: string[] = [];
    client.setLogger({ error: (...args: unknown[]) => errors.push(args.map(String).join(' ')), warn: () => {}, info: () => {}, debug: () => {} });
    // OpenFeature hands the client's logger to each evaluation; the provider logs reloads there.
    await client.getObjectDetails('chat-model', {}, { targetingKey: 'u1' });
    const goodVersion = provider.flagSet?.version;
    const first = events.next(ProviderEvents.Error);
    await atomicSave(flagsYaml(1000));
    await first;
    const second = events.next(ProviderEvents.Error);
    await atomicSave(`${flagsYaml(1000)}# the same mistake, saved again\n`);
    await second;
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      /^aiflags: reload rejected, serving the last good flags \(version \w+\): .*flags\.yaml: flag 'chat-model', field 'rollout\.percentage': expected a number from 0 to 100, got 1000$/,
    );
    expect(provider.lastReloadError).toMatchObject({ code: 'PARSE_ERROR', servingVersion: goodVersion, message: expect.stringContaining('got 1000') });
    const third = events.next(ProviderEvents.Error);
    await atomicSave(flagsYaml(100).replace('defaultVariant: control', 'defaultVariant: nowhere'));
    await third;
    expect(errors).toHaveLength(2);
    const ready = events.next(ProviderEvents.Ready);
    await atomicSave(flagsYaml(5));
    await ready;
    expect(provider.lastReloadError).toBeUndefined();
  });

  it('a deleted file emits STALE and keeps serving; the file back emits READY', async () => {
    const { client, events } = await start();
    const stale = events.next(ProviderEvents.Stale);
    await rm(file);
    expect((await stale).details.message).toContain('file not found; serving the last good flags');
    expect(client.providerStatus).toBe(ProviderStatus.STALE);
    expect(await client.getStringDetails('system-prompt', 'x', {})).toMatchObject({ value: 'You are helpful.', reason: 'STATIC' });
    const ready = events.next(ProviderEvents.Ready);
    await writeFile(file, flagsYaml(0));
    await ready;
    expect(client.providerStatus).toBe(ProviderStatus.READY);
  });

  it('a file missing at startup fails initialization with PARSE_ERROR, and becomes READY once written', async () => {
    await rm(file);
    const domain = randomUUID();
    const provider = new LocalProvider({ file, watch: { pollMs: 100, debounceMs: 20 } });
    await expect(OpenFeature.setProviderAndWait(domain, provider)).rejects.toThrow('file not found');
    const client = OpenFeature.getClient(domain);
    const events = new EventQueue(client);
    expect(await client.getBooleanDetails('ai_agent_enabled', false, {})).toMatchObject({ value: false, errorCode: 'PARSE_ERROR' });
    const ready = events.next(ProviderEvents.Ready);
    await writeFile(file, flagsYaml(0));
    await ready;
    expect(await client.getBooleanDetails('ai_agent_enabled', false, {})).toMatchObject({ value: true, reason: 'STATIC' });
  });
  it('never serves a half-written file: a writer that pauses 150 ms mid-file has only the whole file served', async () => {
    const { client, events } = await start();
    const whole = flagsYaml(100, 'You are a careful assistant.');
    // The cut leaves valid YAML without system-prompt's new text: served, it would drop that flag's change.
    const cut = whole.indexOf('  system-prompt:');
    const { open } = await import('node:fs/promises');
    const handle = await open(file, 'w');
    await handle.write(whole.slice(0, cut));
    await handle.sync();
    await new Promise((resolve) => setTimeout(resolve, 150));
    await handle.write(whole.slice(cut));
    await handle.close();
    const changed = await events.next(ProviderEvents.ConfigurationChanged);
    expect([...((changed.details.flagsChanged as string[] | undefined) ?? [])].sort()).toEqual(['chat-model', 'system-prompt']);
    expect((await client.getStringDetails('system-prompt', 'fallback', { targetingKey: 'u1' })).value).toBe('You are a careful assistant.');
    await new Promise((resolve) => setTimeout(resolve, 400));
    // No reload ever reported a flag missing from the truncated text.
    const reloads = events.events.filter((e) => e.type === ProviderEvents.ConfigurationChanged || e.type === ProviderEvents.Error);
    expect(reloads).toHaveLength(1);
  });
});
