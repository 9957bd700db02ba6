import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpenFeature } from '@openfeature/server-sdk';
import { afterAll, describe, expect, it } from 'vitest';
import { aiFlags, FileResponseStore, MemoryMetricStore } from 'aiflags';
import { createFeedbackService } from '../src/feedback-service.js';
import { createChatServer } from '../src/server.js';

describe('POST /feedback', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aiflags-feedback-'));
  const metrics = new MemoryMetricStore();
  const responses = new FileResponseStore({ dir, flushIntervalMs: 0 });
  const flags = aiFlags(OpenFeature.getClient('feedback-endpoint'), { metrics, meter: false, track: false, responses });
  const server = createChatServer(async () => ({ status: 502, body: { error: 'no model here' } }), createFeedbackService({ flags })).listen(0, '127.0.0.1');
  afterAll(async () => {
    server.close();
    await responses.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const send = async (body: unknown) => {
    if (!server.listening) await new Promise((r) => server.once('listening', r));
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/feedback`, { method: 'POST', body: JSON.stringify(body) });
    return { status: res.status, body: await res.json() };
  };

  it('attributes a thumb to the flag and variant of the response it names', async () => {
    const tracker = flags.tracker({ flagKey: 'system-prompt', variant: 'concise', ctx: { targetingKey: 'user-9' } });
    const responseId = tracker.response({ output: 'an answer' });
    expect(await send({ responseId, kind: 'negative' })).toEqual({ status: 202, body: { attributed: 1 } });
    expect((await metrics.query('system-prompt'))['concise']).toMatchObject({ feedbackNegative: 1, feedbackPositive: 0 });
  });

  it('counts an unknown id without an error, and refuses a kind that is not a thumb', async () => {
    expect(await send({ responseId: 'never-served', kind: 'positive' })).toEqual({ status: 202, body: { attributed: 0 } });
    expect(flags.feedbackStats()).toMatchObject({ unknown: 1 });
    expect(await send({ responseId: 'never-served', kind: 'meh' })).toMatchObject({ status: 400, body: { error: expect.stringMatching(/^kind: expected/) } });
    expect(await send({ kind: 'positive' })).toMatchObject({ status: 400 });
  });
});
