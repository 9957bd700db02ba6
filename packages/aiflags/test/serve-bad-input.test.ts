import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OFREPProvider } from '@openfeature/ofrep-provider';
import { ErrorCode, OpenFeature } from '@openfeature/server-sdk';
import { parseFlags } from '@aiflags/core';
import { createOfrepServer, type OfrepServer } from '../src/serve/index.js';
import { SAMPLE_FLAGS_YAML } from '../../../test/support/sample-flags.js';

const set = parseFlags(SAMPLE_FLAGS_YAML, 'flags.yaml');
const LIMITS = { maxBodyBytes: 1024 * 1024, maxInFlight: 4, retryAfterS: 2, headersTimeoutMs: 600, requestTimeoutMs: 900, drainTimeoutMs: 2000 };

/** Opens a raw connection and writes `text`; the caller writes the rest (or never does: a slow client). */
function openRaw(url: string, text: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(text);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Everything the server sends on `socket` until it closes the connection (or `limitMs` pass). */
function readAll(socket: Socket, limitMs: number): Promise<{ text: string; closedInMs: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk.toString('utf8');
    });
    const done = () => resolve({ text, closedInMs: performance.now() - started });
    socket.once('close', done);
    socket.once('error', () => {});
    setTimeout(() => {
      socket.destroy();
    }, limitMs).unref();
  });
}

/** A POST sent with the path exactly as given: node:http, unlike fetch, does not resolve `..` segments. */
function postVerbatim(url: string, path: string, body: string): Promise<{ status: number; headers: Record<string, unknown>; json: Record<string, unknown> }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path, method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (chunk) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, json: JSON.parse(text) }));
    });
    req.once('error', reject);
    req.end(body);
  });
}

function head(path: string, length: number): string {
  return `POST ${path} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${length}\r\n\r\n`;
}

describe('aiflags serve under bad input: nothing crashes it', () => {
  let serve: OfrepServer;
  let url: string;
  const post = (path: string, body: string | Uint8Array, headers: Record<string, string> = {}) =>
    fetch(`${url}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  const evaluateFlag = (key: string, body: unknown) => post(`/ofrep/v1/evaluate/flags/${key}`, JSON.stringify(body));

  beforeAll(async () => {
    serve = createOfrepServer({ flags: () => set, limits: LIMITS });
    url = await serve.listen(0, '127.0.0.1');
  });

  afterAll(async () => {
    await serve?.close();
  });

  it('an oversized body gets 413, declared or streamed, and the server keeps answering', async () => {
    const big = JSON.stringify({ context: { targetingKey: 'u', blob: 'x'.repeat(LIMITS.maxBodyBytes) } });
    const declared = await post('/ofrep/v1/evaluate/flags/chat-model', big);
    expect(declared.status).toBe(413);
    expect(await declared.json()).toMatchObject({
      key: 'chat-model',
      errorCode: 'GENERAL',
      errorDetails: `request body: larger than ${LIMITS.maxBodyBytes} bytes`,
    });
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 20; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(100_000)));
        controller.close();
      },
    });
    const streamed = await fetch(`${url}/ofrep/v1/evaluate/flags`, { method: 'POST', body: stream, duplex: 'half' } as RequestInit);
    expect(streamed.status).toBe(413);
    expect((await evaluateFlag('chat-model', { context: { targetingKey: 'u' } })).status).toBe(200);
  });

  it.each([
    ['malformed JSON', '{"context": {"targetingKey": "u"', 'PARSE_ERROR', /not valid JSON/],
    ['an empty body', '', 'PARSE_ERROR', /not valid JSON/],
    ['a JSON array', '[1,2]', 'INVALID_CONTEXT', /expected a JSON object with a 'context' object/],
    ['a null context', '{"context": null}', 'INVALID_CONTEXT', /field 'context' must be an object/],
    ['a string context', '{"context": "u"}', 'INVALID_CONTEXT', /field 'context' must be an object/],
    ['a numeric targeting key', '{"context": {"targetingKey": 7}}', 'INVALID_CONTEXT', /'context.targetingKey' must be a string, got number/],
  ])('%s: 400 %s, naming the field, on the single and the bulk endpoint', async (_name, body, errorCode, details) => {
    const single = await post('/ofrep/v1/evaluate/flags/chat-model', body);
    expect(single.status).toBe(400);
    const s = (await single.json()) as { key: string; errorCode: string; errorDetails: string };
    expect(s).toMatchObject({ key: 'chat-model', errorCode });
    expect(s.errorDetails).toMatch(details);
    const bulk = await post('/ofrep/v1/evaluate/flags', body);
    expect(bulk.status).toBe(400);
    expect(await bulk.json()).toMatchObject({ errorCode, errorDetails: expect.stringMatching(details) });
  });

  it('a body without a context evaluates with none, as the Python provider sends it', async () => {
    const fixed = await post('/ofrep/v1/evaluate/flags/temperature', '{}');
    expect(fixed.status).toBe(200);
    expect(await fixed.json()).toMatchObject({ key: 'temperature', value: 0.2, variant: 'low', reason: 'DEFAULT' });
    const bucketed = await post('/ofrep/v1/evaluate/flags/chat-model', '{}');
    expect(bucketed.status).toBe(400);
    expect(await bucketed.json()).toMatchObject({ key: 'chat-model', errorCode: 'TARGETING_KEY_MISSING' });
  });

  it('a context with 10,000 attributes is evaluated like a small one', async () => {
    const context: Record<string, unknown> = { targetingKey: 'user-42' };
    for (let i = 0; i < 10_000; i++) context[`attr_${i}`] = i % 2 === 0 ? `v${i}` : { nested: [i, String(i)] };
    const started = performance.now();
    const big = await evaluateFlag('system-prompt', { context });
    const ms = performance.now() - started;
    const small = await evaluateFlag('system-prompt', { context: { targetingKey: 'user-42' } });
    expect(big.status).toBe(200);
    expect(await big.json()).toEqual(await small.json());
    expect(ms).toBeLessThan(2000);
    const bulk = await post('/ofrep/v1/evaluate/flags', JSON.stringify({ context }));
    expect(bulk.status).toBe(200);
  });

  it.each([
    ['../../etc/passwd', 404, 'FLAG_NOT_FOUND', '../../etc/passwd'],
    ['%2e%2e%2fconfiguration', 404, 'FLAG_NOT_FOUND', '../configuration'],
    ['__proto__', 404, 'FLAG_NOT_FOUND', '__proto__'],
    ['constructor', 404, 'FLAG_NOT_FOUND', 'constructor'],
    ['%00%0d%0aX-Injected:%20yes', 404, 'FLAG_NOT_FOUND', '\u0000\r\nX-Injected: yes'],
    ['%E2%9C%93-%F0%9F%98%80', 404, 'FLAG_NOT_FOUND', '✓-😀'],
    ['%ZZbad', 400, 'PARSE_ERROR', '%ZZbad'],
    ['%E0%A4%A', 400, 'PARSE_ERROR', '%E0%A4%A'],
    ['chat%2Dmodel', 200, undefined, 'chat-model'],
  ])('flag key %s: %d %s, decoded and looked up as a plain name', async (raw, status, errorCode, key) => {
    const res = await postVerbatim(url, `/ofrep/v1/evaluate/flags/${raw}`, JSON.stringify({ context: { targetingKey: 'u' } }));
    expect(res.status).toBe(status);
    expect(res.headers['x-injected']).toBeUndefined();
    expect(res.json.key).toBe(key);
    expect(res.json.errorCode).toBe(errorCode);
  });

  it("a typo'd key: 404 naming the file and the closest flag", async () => {
    const res = await evaluateFlag('chat-modle', { context: { targetingKey: 'u' } });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({
      key: 'chat-modle',
      errorCode: 'FLAG_NOT_FOUND',
      errorDetails: "flag 'chat-modle' is not defined in flags.yaml; did you mean 'chat-model'?",
    });
  });

  it('wrong methods and paths get 405 and 404, not an evaluation', async () => {
    const get = await fetch(`${url}/ofrep/v1/evaluate/flags/chat-model`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect((await post('/ofrep/v1/evaluate/flagsX', '{}')).status).toBe(404);
    expect((await post('/ofrep/v2/evaluate/flags/chat-model', '{}')).status).toBe(404);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  it('a client that never finishes its headers is cut off after headersTimeout; others are served meanwhile', async () => {
    const slow = await openRaw(url, 'POST /ofrep/v1/evaluate/flags/chat-model HTTP/1.1\r\nhost: x\r\n');
    const closed = readAll(slow, 5000);
    expect((await evaluateFlag('chat-model', { context: { targetingKey: 'u' } })).status).toBe(200);
    const { text, closedInMs } = await closed;
    expect(closedInMs).toBeLessThan(LIMITS.headersTimeoutMs + 1500);
    expect(text).toMatch(/^HTTP\/1.1 408/);
  });

  it('a client that never finishes its body is cut off after requestTimeout', async () => {
    const slow = await openRaw(url, `${head('/ofrep/v1/evaluate/flags/chat-model', 100)}{"context":`);
    const { text, closedInMs } = await readAll(slow, 5000);
    expect(closedInMs).toBeLessThan(LIMITS.requestTimeoutMs + 1500);
    expect(text).toMatch(/^HTTP\/1.1 408/);
  });

  it('more requests at once than maxInFlight: the extra ones get 429 with Retry-After, then service resumes', async () => {
    const body = JSON.stringify({ context: { targetingKey: 'u' } });
    const held = await Promise.all(
      Array.from({ length: LIMITS.maxInFlight }, () => openRaw(url, `${head('/ofrep/v1/evaluate/flags/chat-model', body.length)}{`)),
    );
    await new Promise((r) => setTimeout(r, 50));
    const flooded = await evaluateFlag('chat-model', { context: { targetingKey: 'u' } });
    expect(flooded.status).toBe(429);
    expect(flooded.headers.get('retry-after')).toBe(String(LIMITS.retryAfterS));
    await OpenFeature.setProviderAndWait('serve-flood', new OFREPProvider({ baseUrl: url }));
    const client = OpenFeature.getClient('serve-flood');
    const refused = await client.getStringDetails('system-prompt', 'code default', { targetingKey: 'u' });
    expect(refused).toMatchObject({ value: 'code default', errorCode: ErrorCode.GENERAL });
    const answers = held.map((socket) => readAll(socket, 3000));
    for (const socket of held) socket.end(body.slice(1));
    for (const { text } of await Promise.all(answers)) expect(text).toMatch(/^HTTP\/1.1 200/);
    expect((await evaluateFlag('chat-model', { context: { targetingKey: 'u' } })).status).toBe(200);
    // The OFREP client honours Retry-After: it does not ask again until the seconds have passed.
    const paused = await client.getStringDetails('system-prompt', 'code default', { targetingKey: 'u' });
    expect(paused.errorMessage).toMatch(/paused due to TooManyRequests/);
    await OpenFeature.clearProviders();
  });

  it('bulk: the ETag is a hash of the body; If-None-Match with it gets 304, another context a new ETag', async () => {
    const context = { targetingKey: 'user-7' };
    const first = await post('/ofrep/v1/evaluate/flags', JSON.stringify({ context }));
    const etag = first.headers.get('etag') as string;
    const body = (await first.json()) as { flags: Array<{ key: string }> };
    expect(body.flags.map((f) => f.key)).toEqual([...set.flags.keys(), ...set.killSwitches.keys()]);
    const again = await post('/ofrep/v1/evaluate/flags', JSON.stringify({ context }), { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    const weak = await post('/ofrep/v1/evaluate/flags', JSON.stringify({ context }), { 'if-none-match': `"other", W/${etag}` });
    expect(weak.status).toBe(304);
    const staff = await post('/ofrep/v1/evaluate/flags', JSON.stringify({ context: { ...context, email: 'a@acme.com' } }), { 'if-none-match': etag });
    expect(staff.status).toBe(200);
    expect(staff.headers.get('etag')).not.toBe(etag);
  });
});

describe('aiflags serve shutdown', () => {
  it('close() lets an in-flight request finish (its connection then closes) and takes no new connections', async () => {
    const serve = createOfrepServer({ flags: () => set, limits: LIMITS });
    const url = await serve.listen(0, '127.0.0.1');
    const body = JSON.stringify({ context: { targetingKey: 'u' } });
    const inFlight = await openRaw(url, `${head('/ofrep/v1/evaluate/flags/chat-model', body.length)}{`);
    const answer = readAll(inFlight, 5000);
    await new Promise((r) => setTimeout(r, 50));
    let closed = false;
    const closing = serve.close().then(() => {
      closed = true;
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(closed).toBe(false);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    inFlight.write(body.slice(1));
    const { text } = await answer;
    expect(text).toMatch(/^HTTP\/1.1 200/);
    expect(text).toMatch(/connection: close/i);
    expect(text).toContain('"variant":"');
    await closing;
    expect(closed).toBe(true);
  });

  it('/readyz is 503 until flags are loaded', async () => {
    let loaded: typeof set | undefined;
    const serve = createOfrepServer({ flags: () => loaded });
    const url = await serve.listen(0, '127.0.0.1');
    try {
      expect((await fetch(`${url}/readyz`)).status).toBe(503);
      const unready = await fetch(`${url}/ofrep/v1/evaluate/flags/chat-model`, { method: 'POST', body: '{"context":{}}' });
      expect(unready.status).toBe(500);
      expect(await unready.json()).toMatchObject({ key: 'chat-model', errorCode: 'GENERAL', errorDetails: 'no flags loaded' });
      loaded = set;
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
    } finally {
      await serve.close();
    }
  });
});
