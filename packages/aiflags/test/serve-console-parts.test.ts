import { describe, expect, it } from 'vitest';
import { ConsoleSessions, cookie, csrfToken, csrfValid, foreignOriginProblem, parseRecordBatch } from '../src/serve/index.js';

describe('parseRecordBatch', () => {
  const body = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
  it.each([
    [[{ a: 1 }, { b: 2 }], { items: [{ a: 1 }, { b: 2 }] }],
    [{ outcomes: [{ a: 1 }] }, { items: [{ a: 1 }] }],
    [{ flag: 'f', variant: 'v' }, { items: [{ flag: 'f', variant: 'v' }] }],
    [{ outcomes: 'x' }, { problem: "request body: field 'outcomes' must be an array" }],
    [[1, 2, 3, 4], { problem: 'request body: 4 outcomes, more than 3 in one request', tooLarge: true }],
  ])('%j -> %j', (value, expected) => {
    expect(parseRecordBatch(body(value), 'outcomes', 3)).toEqual(expected);
  });

  it('{ exposures: [...] } is a batch only on /v1/exposures', () => {
    expect(parseRecordBatch(body({ exposures: [{ a: 1 }] }), 'exposures', 3)).toEqual({ items: [{ a: 1 }] });
    expect(parseRecordBatch(body({ exposures: [{ a: 1 }] }), 'outcomes', 3)).toEqual({ items: [{ exposures: [{ a: 1 }] }] });
  });
});

describe('ConsoleSessions', () => {
  it('a session expires after its ttl, and the oldest goes first past the cap', () => {
    let now = 0;
    const sessions = new ConsoleSessions({ ttlMs: 1000, max: 2, clock: () => now });
    const a = sessions.create('alice', true);
    const b = sessions.create('bob', false);
    expect(sessions.get(a.id)?.name).toBe('alice');
    const c = sessions.create('carol', false);
    expect(sessions.get(a.id)).toBeUndefined();
    expect(sessions.get(b.id)?.write).toBe(false);
    now = 1001;
    expect(sessions.get(c.id)).toBeUndefined();
    expect(sessions.get(undefined)).toBeUndefined();
  });
});

describe('cookie and CSRF tokens', () => {
  it('reads one cookie of a header', () => {
    expect(cookie('a=1; aiflags_session=xyz; b=2', 'aiflags_session')).toBe('xyz');
    expect(cookie('aiflags_session_x=1', 'aiflags_session')).toBeUndefined();
    expect(cookie(undefined, 'aiflags_session')).toBeUndefined();
  });

  it('a token is valid for its binding only', () => {
    const key = Buffer.alloc(32, 7);
    const token = csrfToken(key, 'session:a');
    expect(csrfValid(key, 'session:a', token)).toBe(true);
    expect(csrfValid(key, 'session:b', token)).toBe(false);
    expect(csrfValid(Buffer.alloc(32, 8), 'session:a', token)).toBe(false);
    expect(csrfValid(key, 'session:a', undefined)).toBe(false);
    expect(csrfValid(key, 'session:a', `${token}x`)).toBe(false);
  });
});

describe('foreignOriginProblem', () => {
  it.each([
    [{ host: '127.0.0.1:8016' }, false, undefined],
    [{ host: 'localhost:8016', origin: 'http://localhost:8016' }, false, undefined],
    [{ host: '[::1]:8016' }, false, undefined],
    [{ host: 'rebound.example:8016' }, false, "Host 'rebound.example:8016' is not a loopback name; without tokens the server answers only those"],
    [{ host: 'flags.internal:8016' }, true, undefined],
    [{ host: 'flags.internal:8016', origin: 'https://evil.example' }, true, "Origin 'https://evil.example' is not this server"],
    [{ host: '127.0.0.1:8016', origin: 'null' }, false, "Origin 'null' is not this server"],
  ])('%j (tokens: %s) -> %s', (headers, tokens, expected) => {
    expect(foreignOriginProblem(headers, tokens)).toBe(expected);
  });
});
