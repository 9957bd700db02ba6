import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { OpenFeature } from '@openfeature/server-sdk';
import { FileMetricStore, FileResponseStore, MemoryResponseStore } from '@aiflags/file';
import { MemoryMetricStore, type MetricStore, type ResponseStore } from '@aiflags/metrics';
import { RedisMetricStore, RedisResponseStore } from '@aiflags/redis';
import { aiFlags, type FeedbackStats } from '../src/index.js';
import { deletePrefix, testPrefix, testRedisUrl } from '@aiflags/testing';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const sender = fileURLToPath(new URL('./fixtures/send-feedback.ts', import.meta.url));
const client = OpenFeature.getClient('late-feedback');
const FLAG = 'support-prompt';

function sendInChild(backend: 'file' | 'redis', where: string, feedback: Array<[string, unknown]>): Promise<FeedbackStats> {
  return new Promise((resolve, reject) => {
    const args = ['--conditions=source', '--import', 'tsx', sender, backend, where, JSON.stringify(feedback)];
    execFile(process.execPath, args, { cwd: repoRoot, env: { ...process.env, REDIS_URL: testRedisUrl } }, (error, stdout) =>
      error ? reject(error) : resolve(JSON.parse(stdout) as FeedbackStats),
    );
  });
}

/** Ten responses, even ones on control and odd ones on treatment, each remembered under its id. */
async function respond(metrics: MetricStore, responses: ResponseStore): Promise<string[]> {
  const flags = aiFlags(client, { metrics, responses, meter: false, track: false });
  const ids: string[] = [];
  for (let i = 0; i < 10; i++) {
    const tracker = flags.tracker({ flagKey: FLAG, variant: i % 2 ? 'treatment' : 'control', ctx: { targetingKey: `user-${i}` } });
    tracker.record({ latencyMs: 100, error: false });
    ids.push(tracker.response({ output: 'an answer' }));
  }
  await responses.flush();
  return ids;
}

/** Thumbs up for the treatment's responses, down for control's, a score of 4 on the first, and an id never made. */
const feedbackFor = (ids: string[]): Array<[string, unknown]> => [
  ...ids.map((id, i): [string, unknown] => [id, i % 2 ? 'positive' : 'negative']),
  [ids[0]!, 4],
  ['never-made', 'positive'],
];

function expectLanded(aggs: Record<string, { feedbackPositive: number; feedbackNegative: number; scores: Record<string, { count: number; mean: number }> }>) {
  expect([aggs['treatment']!.feedbackPositive, aggs['treatment']!.feedbackNegative]).toEqual([5, 0]);
  expect([aggs['control']!.feedbackPositive, aggs['control']!.feedbackNegative]).toEqual([0, 5]);
  expect(aggs['control']!.scores['feedback']).toMatchObject({ count: 1, mean: 4 });
  expect(aggs['treatment']!.scores['feedback']).toBeUndefined();
}

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

describe('late feedback from a second process', () => {
  it('lands on the right variant through the file store', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aiflags-feedback-'));
    const metrics = new FileMetricStore({ dir, flushIntervalMs: 0 });
    const responses = new FileResponseStore({ dir, flushIntervalMs: 0 });
    cleanup.push(
      () => metrics.close(),
      () => responses.close(),
    );
    const ids = await respond(metrics, responses);
    const stats = await sendInChild('file', dir, feedbackFor(ids));
    expect(stats).toEqual({ received: 12, attributed: 11, unknown: 1, invalid: 0, failed: 0 });
    expectLanded(await metrics.query(FLAG));
  });

  it('lands on the right variant through Redis', async () => {
    const prefix = testPrefix('feedback');
    const metrics = new RedisMetricStore({ url: testRedisUrl, prefix, flushIntervalMs: 0 });
    const responses = new RedisResponseStore({ url: testRedisUrl, prefix });
    cleanup.push(async () => {
      await metrics.close();
      await responses.close();
      await deletePrefix(prefix);
    });
    const ids = await respond(metrics, responses);
    const stats = await sendInChild('redis', prefix, feedbackFor(ids));
    expect(stats).toEqual({ received: 12, attributed: 11, unknown: 1, invalid: 0, failed: 0 });
    expectLanded(await metrics.query(FLAG));
  });
});

describe('late feedback in one process', () => {
  it('counts an expired id as unknown, not an error, and attributes one made under two flags to both', async () => {
    let skew = 0;
    const metrics = new MemoryMetricStore();
    const responses = new MemoryResponseStore({ ttlMs: 60_000, clock: () => Date.now() + skew });
    const flags = aiFlags(client, { metrics, responses, meter: false, track: false });
    const model = flags.tracker({ flagKey: 'chat-model', variant: 'claude', ctx: { targetingKey: 'u1' }, responseId: 'r-1' });
    const prompt = flags.tracker({ flagKey: FLAG, variant: 'brief', ctx: { targetingKey: 'u1' } });
    model.response({ output: 'x' });
    prompt.response({ id: model.responseId });
    expect((await flags.feedback('r-1', 'positive')).attributed.map((a) => `${a.flagKey}/${a.variant}/${a.unitId}`)).toEqual([
      'chat-model/claude/u1',
      `${FLAG}/brief/u1`,
    ]);
    skew = 60_000;
    expect((await flags.feedback('r-1', 'positive')).attributed).toEqual([]);
    expect(await flags.feedback('r-1', Number.NaN as never)).toEqual({ attributed: [] });
    expect(flags.feedbackStats()).toEqual({ received: 3, attributed: 1, unknown: 1, invalid: 1, failed: 0 });
    expect((await metrics.query('chat-model'))['claude']!.feedbackPositive).toBe(1);
  });

  it('bounds the memory store: the oldest id is forgotten, a bad id is rejected and counted', async () => {
    const responses = new MemoryResponseStore({ maxResponses: 3 });
    for (let i = 0; i < 5; i++) responses.remember(`r${i}`, { flagKey: FLAG, variant: 'v', at: Date.now() });
    responses.remember('x'.repeat(257), { flagKey: FLAG, variant: 'v', at: Date.now() });
    expect(await responses.lookup('r0')).toEqual([]);
    expect((await responses.lookup('r4')).length).toBe(1);
    expect(responses.stats()).toEqual({ remembered: 5, rejected: 1, evicted: 2 });
  });
});
