import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OpenFeature, ProviderEvents } from '@openfeature/server-sdk';
import { evaluate, parseFlags } from '@aiflags/core';
import { Flagsmith, LocalFileHandler } from 'flagsmith-nodejs';
import { createFlagsmithProvider, exportToFlagsmith, type FlagsmithProvider } from '../src/index.js';
import { LocalFlagsmithServer } from '@aiflags/testing';

const KEY = 'ser.local-test';
const silent = { error() {}, warn() {} } as never;

function exported(prompt: string) {
  const set = parseFlags(
    `flags:\n  system-prompt:\n    variants: { a: "${prompt}", b: "Be brief." }\n    defaultVariant: a\n  new_ui: { enabled: true, percentage: 100 }\nkillSwitches:\n  ai_agent_enabled: {}\n`,
    'flags.yaml',
  );
  return exportToFlagsmith(set).data;
}

function next(provider: FlagsmithProvider, event: ProviderEvents, timeoutMs = 10_000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
    const handler = (details: unknown) => {
      clearTimeout(timer);
      provider.events.removeHandler(event, handler);
      resolve(details);
    };
    provider.events.addHandler(event, handler);
  });
}

describe('FlagsmithProvider over the real SDK polling a local environment-document endpoint', () => {
  let server: LocalFlagsmithServer | undefined;
  let provider: FlagsmithProvider | undefined;

  afterEach(async () => {
    await OpenFeature.clearProviders();
    await provider?.onClose();
    await server?.stop();
  });

  function start(document: unknown) {
    provider = createFlagsmithProvider({
      environmentKey: KEY,
      apiUrl: (server as LocalFlagsmithServer).apiUrl,
      refreshIntervalSeconds: 0.2,
      initTimeoutMs: 3_000,
      catalog: (document as ReturnType<typeof exported>).catalog,
      flagsmithConfig: { retries: 0, requestTimeoutSeconds: 1, logger: silent },
    });
    return provider;
  }

  it('goes STALE when the server stops, keeps the last flags, and is READY again when it returns', async () => {
    server = new LocalFlagsmithServer(exported('You are helpful.'), KEY);
    await server.start();
    const p = start(server.document);
    await OpenFeature.setProviderAndWait('fs-outage', p);
    const client = OpenFeature.getClient('fs-outage');
    const ctx = { targetingKey: 'user-1', plan: 'pro' };
    expect(await client.getStringDetails('system-prompt', 'x', ctx)).toMatchObject({ value: 'You are helpful.', variant: 'a', reason: 'STATIC' });

    const stale = next(p, ProviderEvents.Stale);
    await server.stop();
    expect(await stale).toMatchObject({ message: expect.stringContaining('Flagsmith unreachable, serving the last flags') });
    expect(await client.getStringDetails('system-prompt', 'x', ctx)).toMatchObject({ value: 'You are helpful.', variant: 'a' });
    expect(await client.getBooleanValue('ai_agent_enabled', false, ctx)).toBe(true);

    const ready = next(p, ProviderEvents.Ready);
    await server.start();
    await ready;
    expect(await client.getStringDetails('system-prompt', 'x', ctx)).toMatchObject({ value: 'You are helpful.', reason: 'STATIC' });
  });

  it('a server that is down at start: initialize rejects, evaluations are PROVIDER_NOT_READY, the first good poll is READY', async () => {
    server = new LocalFlagsmithServer(exported('You are helpful.'), KEY);
    await server.start();
    await server.stop();
    const p = start(server.document);
    await expect(p.initialize()).rejects.toThrow(/Flagsmith not ready/);
    expect(await p.resolveStringEvaluation('system-prompt', 'x', { targetingKey: 'u' })).toMatchObject({ value: 'x', errorCode: 'PROVIDER_NOT_READY' });
    const ready = next(p, ProviderEvents.Ready);
    await server.start();
    await ready;
    expect(await p.resolveStringEvaluation('system-prompt', 'x', { targetingKey: 'u' })).toMatchObject({ value: 'You are helpful.', variant: 'a' });
  });

  it('a changed document is CONFIGURATION_CHANGED and serves the new value; an unchanged one is not', async () => {
    server = new LocalFlagsmithServer(exported('You are helpful.'), KEY);
    await server.start();
    const p = start(server.document);
    await p.initialize();
    let changes = 0;
    p.events.addHandler(ProviderEvents.ConfigurationChanged, () => changes++);
    const before = server.served;
    await new Promise((r) => setTimeout(r, 700));
    expect(server.served).toBeGreaterThan(before + 1);
    expect(changes).toBe(0);
    const changed = next(p, ProviderEvents.ConfigurationChanged);
    server.document = exported('You are a senior engineer.');
    await changed;
    expect(await p.resolveStringEvaluation('system-prompt', 'x', { targetingKey: 'u' })).toMatchObject({ value: 'You are a senior engineer.' });
  });

  it('initialize rejects naming the cause when the key is refused, and evaluation returns the default', async () => {
    server = new LocalFlagsmithServer(exported('You are helpful.'), 'ser.another-key');
    await server.start();
    const p = start(server.document);
    await expect(p.initialize()).rejects.toThrow(/Flagsmith not ready: .*401/);
  });

  it('an unknown flag is FLAG_NOT_FOUND and a string flag read as a number is TYPE_MISMATCH, never a throw', async () => {
    server = new LocalFlagsmithServer(exported('You are helpful.'), KEY);
    await server.start();
    const p = start(server.document);
    await p.initialize();
    expect(await p.resolveBooleanEvaluation('nope', true, { targetingKey: 'u' })).toMatchObject({ value: true, errorCode: 'FLAG_NOT_FOUND' });
    expect(await p.resolveNumberEvaluation('system-prompt', 7, { targetingKey: 'u' })).toMatchObject({ value: 7, errorCode: 'TYPE_MISMATCH' });
  });
});

describe('closing', () => {
  it('a process with a polling provider exits once the provider is closed', async () => {
    const server = new LocalFlagsmithServer(exported('You are helpful.'), KEY);
    await server.start();
    try {
      const script = join(import.meta.dirname, 'fixtures', 'evaluate-and-close.ts');
      const started = Date.now();
      const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', script], {
        env: { ...process.env, FLAGSMITH_ENVIRONMENT_KEY: KEY, FLAGSMITH_API_URL: server.apiUrl },
      });
      let out = '';
      child.stdout.on('data', (chunk) => {
        out += chunk;
      });
      const code = await new Promise<number | null>((resolve) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.on('exit', (c) => {
          clearTimeout(timer);
          resolve(c);
        });
      });
      expect(out.trim()).toBe('You are helpful.');
      expect(code).toBe(0);
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      await server.stop();
    }
  });
});

describe('offline documents', () => {
  it('a missing or broken environment document fails at creation, naming the file', () => {
    expect(() => createFlagsmithProvider({ environmentFile: '/nonexistent/flagsmith.json' })).toThrow(
      /cannot load the environment document \/nonexistent\/flagsmith\.json \(FLAGSMITH_ENVIRONMENT_FILE\): ENOENT/,
    );
  });

  it('neither a key nor a document: one line saying what to set', () => {
    expect(() => createFlagsmithProvider({})).toThrow(
      'Flagsmith backend: set FLAGSMITH_ENVIRONMENT_KEY (or FLAGSMITH_ENVIRONMENT_FILE for an offline environment document)',
    );
  });
});

describe('remote evaluation (a key that is not server-side)', () => {
  it('answers per request, goes STALE on a failed one with the default, and READY on the next answer', async () => {
    const set = parseFlags(
      'flags:\n  prompt:\n    variants: { a: A, b: B, c: C }\n    defaultVariant: a\n    split: { a: 30, b: 30, c: 40 }\n    bucketing: { hash: flagsmith, salt: env }\n    rules: [{ conditions: [{ attribute: plan, op: equals, values: [pro] }], variant: c }]\n',
      'flags.yaml',
    );
    const { data } = exportToFlagsmith(set);
    const dir = mkdtempSync(join(tmpdir(), 'aiflags-fs-remote-'));
    const file = join(dir, 'flagsmith.json');
    writeFileSync(file, JSON.stringify(data));
    // The API's answers come from the SDK's own engine over the same document.
    const engine = new Flagsmith({ offlineMode: true, offlineHandler: new LocalFileHandler(file) });
    const remote = async (identifier: string | undefined, traits: Record<string, unknown>) => {
      const flags = identifier ? await engine.getIdentityFlags(identifier, traits as Record<string, string>) : await engine.getEnvironmentFlags();
      return flags.allFlags().map((f) => ({ feature: { id: f.featureId, name: f.featureName }, enabled: f.enabled, feature_state_value: f.value }));
    };
    const server = new LocalFlagsmithServer(data, 'client-key', remote);
    await server.start();
    const provider = createFlagsmithProvider({
      environmentKey: 'client-key',
      apiUrl: server.apiUrl,
      catalog: data.catalog,
      flagsmithConfig: { retries: 0, requestTimeoutSeconds: 1, logger: silent },
    });
    try {
      await provider.initialize();
      expect(provider.local).toBe(false);
      for (let i = 0; i < 200; i++) {
        const ctx = { targetingKey: `user-${i}`, plan: i % 4 === 0 ? 'pro' : 'free' };
        const local = evaluate(set, 'prompt', ctx);
        expect(await provider.resolveStringEvaluation('prompt', 'x', ctx)).toMatchObject({ value: local.value, variant: local.variant });
      }
      const stale = next(provider, ProviderEvents.Stale);
      await server.stop();
      expect(await provider.resolveStringEvaluation('prompt', 'x', { targetingKey: 'u' })).toMatchObject({ value: 'x', errorCode: 'GENERAL' });
      await stale;
      const ready = next(provider, ProviderEvents.Ready);
      await server.start();
      expect(await provider.resolveStringEvaluation('prompt', 'x', { targetingKey: 'u', plan: 'pro' })).toMatchObject({ value: 'C', variant: 'c' });
      await ready;
    } finally {
      await provider.onClose();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
