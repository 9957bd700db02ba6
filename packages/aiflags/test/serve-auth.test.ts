import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OFREPProvider } from '@openfeature/ofrep-provider';
import { ErrorCode, OpenFeature } from '@openfeature/server-sdk';
import { parseFlags } from '@aiflags/core';
import { authorize, createOfrepServer, isLoopbackHost, type OfrepServer, parseServeTokens, serveAuthProblem } from '../src/serve/index.js';
import { resolveRuntimeSpec } from '../src/runtime-spec.js';
import { SAMPLE_FLAGS_YAML } from '../../../test/support/sample-flags.js';

const set = parseFlags(SAMPLE_FLAGS_YAML, 'flags.yaml');

describe('AIFLAGS_SERVE_TOKEN', () => {
  it.each([
    [undefined, []],
    ['', []],
    ['s3cret', [{ name: 'token-1', secret: 's3cret' }]],
    [
      'alice:a-secret, bob:b:with:colons',
      [
        { name: 'alice', secret: 'a-secret' },
        { name: 'bob', secret: 'b:with:colons' },
      ],
    ],
  ])('%j gives %j', (raw, tokens) => {
    expect(parseServeTokens(raw)).toEqual({ tokens });
  });

  it('an entry with no secret is a problem serve refuses to start with, not an error for every app', () => {
    expect(resolveRuntimeSpec({}, { AIFLAGS_SERVE_TOKEN: 'alice:,bob:b' }).serve.problem).toBe(
      "AIFLAGS_SERVE_TOKEN: entry 1 has no secret (expected 'secret' or 'name:secret', comma separated)",
    );
    expect(serveAuthProblem('127.0.0.1', parseServeTokens('alice:'))).toMatch(/^AIFLAGS_SERVE_TOKEN: entry 1 has no secret/);
  });

  it('is read by the runtime spec', () => {
    expect(resolveRuntimeSpec({}, { AIFLAGS_SERVE_TOKEN: 'ops:xyz' }).serve.tokens).toEqual([{ name: 'ops', secret: 'xyz' }]);
  });
});

describe('which addresses need a token', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.8.9.1', true],
    ['localhost', true],
    ['::1', true],
    ['[::1]', true],
    ['0.0.0.0', false],
    ['::', false],
    ['10.0.0.5', false],
    ['example.com', false],
  ])('%s is loopback: %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
    expect(serveAuthProblem(host, { tokens: [] }) === undefined).toBe(loopback);
    expect(serveAuthProblem(host, parseServeTokens('t'))).toBeUndefined();
  });

  it('the refusal says what to do', () => {
    expect(serveAuthProblem('0.0.0.0', { tokens: [] })).toBe(
      'aiflags serve: --host 0.0.0.0 accepts connections from other machines; set AIFLAGS_SERVE_TOKEN (a token, or name:secret entries) or bind 127.0.0.1',
    );
  });
});

describe('authorize', () => {
  const tokens = parseServeTokens('alice:a-secret,bob:b-secret').tokens;
  it.each([
    [{}, { ok: false, status: 401 }],
    [{ authorization: 'Basic YTpi' }, { ok: false, status: 401 }],
    [{ authorization: 'Bearer ' }, { ok: false, status: 401 }],
    [{ authorization: 'Bearer a-secre' }, { ok: false, status: 401, details: 'the token is not valid for this server' }],
    [{ authorization: 'Bearer a-secretX' }, { ok: false, status: 401, details: 'the token is not valid for this server' }],
    [{ 'x-api-key': 'nope' }, { ok: false, status: 401, details: 'the token is not valid for this server' }],
    [{ authorization: 'Bearer a-secret' }, { ok: true, name: 'alice' }],
    [{ authorization: 'bearer   b-secret ' }, { ok: true, name: 'bob' }],
    [{ 'x-api-key': 'b-secret' }, { ok: true, name: 'bob' }],
  ])('%j -> %j', (headers, expected) => {
    expect(authorize(headers, tokens)).toMatchObject(expected);
  });

  it('no tokens configured: every request passes', () => {
    expect(authorize({}, [])).toEqual({ ok: true, name: undefined, write: true });
  });
});

describe('aiflags serve with a token, through the real OFREP provider', () => {
  let serve: OfrepServer;
  let url: string;
  const ctx = { targetingKey: 'user-1' };

  beforeAll(async () => {
    serve = createOfrepServer({ flags: () => set, tokens: parseServeTokens('ops:right-token').tokens });
    url = await serve.listen(0, '127.0.0.1');
  });

  afterAll(async () => {
    await OpenFeature.clearProviders();
    await serve?.close();
  });

  async function clientWith(name: string, headers: Record<string, string>) {
    await OpenFeature.setProviderAndWait(`serve-auth-${name}`, new OFREPProvider({ baseUrl: url, headers }));
    return OpenFeature.getClient(`serve-auth-${name}`);
  }

  it('401 without a token and with a wrong one: the app gets its default, never an exception', async () => {
    const none = await fetch(`${url}/ofrep/v1/evaluate/flags/new_system_prompt`, { method: 'POST', body: JSON.stringify({ context: ctx }) });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    const wrong = await fetch(`${url}/ofrep/v1/evaluate/flags`, {
      method: 'POST',
      body: JSON.stringify({ context: ctx }),
      headers: { authorization: 'Bearer wrong' },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer');
    expect(await wrong.json()).toEqual({ errorDetails: 'the token is not valid for this server' });

    const anonymous = await clientWith('none', {});
    const a = await anonymous.getStringDetails('system-prompt', 'code default', ctx);
    expect(a).toMatchObject({ value: 'code default', errorCode: ErrorCode.GENERAL });
    const intruder = await clientWith('wrong', { Authorization: 'Bearer wrong-token' });
    const w = await intruder.getStringDetails('system-prompt', 'code default', ctx);
    expect(w).toMatchObject({ value: 'code default', errorCode: ErrorCode.GENERAL });
  });

  it('the right token as a bearer token or as X-API-Key is served', async () => {
    for (const [name, headers] of [
      ['bearer', { Authorization: 'Bearer right-token' }],
      ['api-key', { 'X-API-Key': 'right-token' }],
    ] as const) {
      const client = await clientWith(name, headers);
      const d = await client.getStringDetails('system-prompt', 'code default', ctx);
      expect(d.reason).toBe('SPLIT');
      expect(d.errorCode).toBeUndefined();
    }
  });

  it('/healthz and /readyz need no token', async () => {
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
  });
});
