import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFlags } from '@aiflags/core';
import { createOfrepServer, type OfrepServer } from '../src/serve/index.js';

/**
 * flagd's caller default (no defaultVariant, DISABLED) is OFREP's code-default answer: no value, no variant.
 * (Checked on the wire: @openfeature/ofrep-provider 0.1.3 does not read a value-less answer yet.)
 */
const FLAGD = {
  $schema: 'https://flagd.dev/schema/v0/flags.json',
  flags: {
    'no-default': { state: 'ENABLED', variants: { special: 'CEO', normal: 'CFO' }, targeting: { if: [{ '==': [{ var: 'plan' }, 'team'] }, 'special'] } },
    retired: { state: 'DISABLED', variants: { on: true, off: false }, defaultVariant: 'on' },
  },
};

describe('aiflags serve on a flagd file', () => {
  let serve: OfrepServer;
  let url: string;
  beforeAll(async () => {
    const set = parseFlags(JSON.stringify(FLAGD), 'flags.json');
    serve = createOfrepServer({ flags: () => set });
    url = await serve.listen(0, '127.0.0.1');
  });
  afterAll(() => serve.close());

  const post = async (key: string, context: object) => {
    const r = await fetch(`${url}/ofrep/v1/evaluate/flags/${key}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ context }),
    });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  };

  it('answers the code default for a flag without defaultVariant (DEFAULT) and a disabled one (DISABLED)', async () => {
    const none = await post('no-default', { targetingKey: 'u', plan: 'free' });
    expect(none.status).toBe(200);
    expect(none.body).toEqual({ key: 'no-default', reason: 'DEFAULT', metadata: expect.any(Object) });
    expect((await post('no-default', { targetingKey: 'u', plan: 'team' })).body).toMatchObject({ value: 'CEO', variant: 'special', reason: 'TARGETING_MATCH' });
    expect((await post('retired', { targetingKey: 'u' })).body).toEqual({ key: 'retired', reason: 'DISABLED', metadata: expect.any(Object) });
  });
});
