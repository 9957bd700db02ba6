import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeImpact } from '@aiflags/ai';
import { parseFlags } from '@aiflags/core';
import { MemoryMetricStore } from '@aiflags/metrics';
import { type Runtime, resolveRuntime } from '../src/runtime.js';
import { type RunningServe, recordBatch, startServe } from '../src/serve/index.js';
import { runCli } from './cli-ai-run.js';

const FLAGS = `
id: serve-outcomes
flags:
  chat-model:
    variants:
      control: { model: gpt-4o, provider: openai }
      treatment: { model: claude-sonnet-4, provider: anthropic }
    defaultVariant: control
    rollout: { variant: treatment, percentage: 50 }
killSwitches:
  ai_agent_enabled: {}
`;

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

function outcomes(variant: string, count: number, quality: number): Array<Record<string, unknown>> {
  return Array.from({ length: count }, (_, i) => ({
    flag: 'chat-model',
    variant,
    unit: `${variant}-${i}`,
    quality: quality + (i % 3),
    latencyMs: 500 + i,
    costUsd: 0.002,
  }));
}

describe('POST /v1/outcomes and /v1/exposures', () => {
  let dir: string;
  let flagsPath: string;
  let runtime: Runtime;
  let serve: RunningServe;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aiflags-serve-outcomes-'));
    flagsPath = join(dir, 'flags.yaml');
    await writeFile(flagsPath, FLAGS);
    runtime = await resolveRuntime({ flags: flagsPath }, { AIFLAGS_SERVE_WRITE_TOKEN: 'app:w-secret', AIFLAGS_SERVE_TOKEN: 'reader:r-secret' });
    serve = await startServe(runtime, { host: '127.0.0.1', port: 0, watch: false, meter: false });
  });

  afterAll(async () => {
    await serve?.close();
    await runtime?.close();
  });

  const write = { authorization: 'Bearer w-secret' };

  it('outcomes posted over HTTP show in the impact report and in `aiflags report --json`', async () => {
    const exposures = ['control', 'treatment'].flatMap((v) => outcomes(v, 30, 0).map(({ flag, variant, unit }) => ({ flag, variant, unit })));
    const e = await post(`${serve.url}/v1/exposures`, { exposures }, write);
    expect(e).toEqual({ status: 202, body: { accepted: 60, rejected: [] } });
    const o = await post(`${serve.url}/v1/outcomes`, [...outcomes('control', 30, 3), ...outcomes('treatment', 30, 2)], write);
    expect(o).toEqual({ status: 202, body: { accepted: 60, rejected: [] } });
    const single = await post(
      `${serve.url}/v1/outcomes`,
      { flag: 'chat-model', variant: 'treatment', unit: 'treatment-0', error: true, feedback: 'negative' },
      write,
    );
    expect(single.body).toEqual({ accepted: 1, rejected: [] });

    await runtime.metrics.flush();
    const report = await analyzeImpact(runtime.metrics, 'chat-model', { control: 'control' });
    const byVariant = Object.fromEntries(report.variants.map((v) => [v.variant, v]));
    expect(byVariant.control?.size).toEqual({ exposures: 30, units: 30, outcomes: 30 });
    expect(byVariant.treatment?.size).toEqual({ exposures: 30, units: 30, outcomes: 31 });
    expect(byVariant.control?.qualityMean).toBeCloseTo(4, 5);
    expect(byVariant.treatment?.feedbackNegative).toBe(1);
    expect(report.treatments[0]?.quality?.diff).toBeCloseTo(-1, 5);

    const cli = await runCli(['--flags', flagsPath, 'report', 'chat-model', '--json', '--since', '1h']);
    expect(cli.stderr).toBe('');
    const json = JSON.parse(cli.stdout) as { report: { variants: Array<{ variant: string; size: { outcomes: number } }> } };
    expect(json.report.variants.map((v) => [v.variant, v.size.outcomes])).toEqual([
      ['control', 30],
      ['treatment', 31],
    ]);
  });

  it('each bad item is refused alone, by index and reason; the rest are recorded', async () => {
    const r = await post(
      `${serve.url}/v1/outcomes`,
      [
        { flag: 'chat-model', variant: 'control', quality: 4 },
        { flag: 'chat-modle', variant: 'control' },
        { flag: 'chat-model', variant: 'gpt-5' },
        { flag: 'chat-model', variant: 'control', costUsd: -1 },
        { flag: 'chat-model', variant: 'control', latency: 5 },
        { flag: 'chat-model', variant: 'control', quality: '4' },
        { flag: 'chat-model', variant: 'control', feedback: 'meh' },
        'not an object',
      ],
      write,
    );
    expect(r.status).toBe(202);
    expect(r.body).toEqual({
      accepted: 1,
      rejected: [
        { index: 1, error: `outcomes[1]: flag: no flag "chat-modle" in ${flagsPath}` },
        { index: 2, error: `outcomes[2]: variant: flag 'chat-model' has no variant "gpt-5" (variants: control, treatment)` },
        { index: 3, error: 'outcomes[3]: costUsd -1 is negative' },
        {
          index: 4,
          error:
            'outcomes[4]: unknown field "latency" (expected flag, variant, unit, at, error, feedback, quality, latencyMs, ttftMs, costUsd, inputTokens, outputTokens, computedCosts, judgeSampled, judgeJudged, judgeFailures, judgeDropped, judgeSkippedBudget, judgeCostUsd)',
        },
        { index: 5, error: 'outcomes[5]: quality: expected a number, got string' },
        { index: 6, error: `outcomes[6]: feedback: expected 'positive' or 'negative', got "meh"` },
        { index: 7, error: 'outcomes[7]: expected an object, got string' },
      ],
    });
  });

  it('writes need the write token: 401 without one or with a wrong one, 403 with a read token', async () => {
    const item = { flag: 'chat-model', variant: 'control' };
    expect((await post(`${serve.url}/v1/outcomes`, item)).status).toBe(401);
    const read = await post(`${serve.url}/v1/outcomes`, item, { 'x-api-key': 'r-secret' });
    expect(read).toEqual({ status: 403, body: { error: "token 'reader' may only read: writes need a token from AIFLAGS_SERVE_WRITE_TOKEN" } });
    expect(await post(`${serve.url}/v1/exposures`, item, { authorization: 'Bearer nope' })).toEqual({
      status: 401,
      body: { error: 'the token is not valid for this server' },
    });
    // The write token also reads flags.
    const evaluated = await post(`${serve.url}/ofrep/v1/evaluate/flags/chat-model`, { context: { targetingKey: 'u' } }, write);
    expect(evaluated.status).toBe(200);
  });

  it('malformed JSON is 400, a body over the size limit or a batch over the item cap is 413, GET is 405', async () => {
    expect(await post(`${serve.url}/v1/outcomes`, '{"flag":', write)).toMatchObject({
      status: 400,
      body: { error: expect.stringMatching(/^request body: not valid JSON/) },
    });
    expect((await post(`${serve.url}/v1/outcomes`, { outcomes: 'x' }, write)).status).toBe(400);
    const many = Array.from({ length: 1001 }, () => ({ flag: 'chat-model', variant: 'control' }));
    expect(await post(`${serve.url}/v1/outcomes`, many, write)).toEqual({
      status: 413,
      body: { error: 'request body: 1001 outcomes, more than 1000 in one request' },
    });
    const huge = await post(`${serve.url}/v1/exposures`, [{ flag: 'chat-model', variant: 'control', unit: 'x'.repeat(2 * 1024 * 1024) }], write);
    expect(huge.status).toBe(413);
    const get = await fetch(`${serve.url}/v1/outcomes`, { headers: write });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });
});

describe('recordBatch', () => {
  const set = parseFlags(FLAGS, 'flags.yaml');

  it('a unit id past 256 characters and an `at` in the future are refused; `at` in the past is kept', async () => {
    const store = new MemoryMetricStore();
    const now = Date.parse('2026-01-01T12:00:00Z');
    const answer = recordBatch(
      [
        { flag: 'chat-model', variant: 'control', unit: 'u'.repeat(257) },
        { flag: 'chat-model', variant: 'control', at: now + 3_600_000 },
        { flag: 'chat-model', variant: 'control', at: now - 3_600_000 },
      ],
      'exposures',
      set,
      store,
      now,
    );
    expect(answer.rejected.map((r) => r.index)).toEqual([0, 1]);
    expect(answer.accepted).toBe(1);
    expect((await store.query('chat-model', { until: now - 3_000_000 })).control?.exposures).toBe(1);
  });
});
