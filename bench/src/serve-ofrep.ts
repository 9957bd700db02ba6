/**
 * `aiflags serve` under load, beside a bare node:http server answering a fixed JSON body (bare-json-server.ts),
 * each in its own process on loopback, loaded by autocannon from this one:
 *
 * - OFREP single evaluations per second (rounds alternate with the bare server's, so a burst of load from
 *   other processes lands on both alike) and p99 latency at a fixed rate. Goal: ≥ 60 % of the bare server.
 *   Beside it, each server's CPU per request (/proc), which a busy machine skews less than throughput.
 * - Bulk evaluation of 100 flags: server time per request, as the server measures it around its handler
 *   (`--log-requests`: from the request to the response's close, 0.1 ms resolution). Goal: ≤ 1 ms.
 *
 *   npm run -s bench -- --only serve [--quick]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { ofrepBenchFlags } from './ofrep-bench-flags.js';
import { processCpuMs } from './process-cpu.js';
import type { BenchOptions, BenchRow } from './report.js';
import { siblingEntry } from './sibling-entry.js';
import { type ServerProcess, spawnServer } from '@aiflags/testing';

const SUITE = 'serve-ofrep';
const FLAGS = 100;
const CONNECTIONS = 10;
const FIXED_RATE = 1000;
const THROUGHPUT_GOAL = 0.6;
const BULK_GOAL_MS = 1;
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(repoRoot, 'packages', 'aiflags', 'src', 'cli.ts');
const LOADER = ['--import', 'tsx', '--conditions=source'];
const BODY = JSON.stringify({ context: { targetingKey: 'user-42', email: 'u42@example.com', age: 31 } });
const SINGLE = '/ofrep/v1/evaluate/flags/model-0';
const BULK = '/ofrep/v1/evaluate/flags';
const LOGGED_BULK = /^POST \/ofrep\/v1\/evaluate\/flags 200 ([\d.]+)ms$/;

interface Load {
  url: string;
  durationS?: number;
  amount?: number;
  connections: number;
  overallRate?: number;
}

/** autocannon against `url` with the bench's POST body; throws on any error or non-2xx answer. */
async function load({ url, durationS, amount, connections, overallRate }: Load): Promise<autocannon.Result> {
  const result = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: BODY,
    connections,
    ...(amount !== undefined ? { amount } : { duration: durationS ?? 1 }),
    ...(overallRate !== undefined ? { overallRate } : {}),
  });
  if (result.errors > 0 || result.timeouts > 0 || result.non2xx > 0) {
    throw new Error(`${url}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx answers`);
  }
  return result;
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const round = (x: number, digits = 2): number => Number(x.toFixed(digits));
const verdict = (met: boolean): string => (met ? 'goal met' : 'goal MISSED');

/** Checks once that the servers answer what the bench thinks they answer. */
async function checkAnswers(ofrep: string): Promise<void> {
  const single = (await (await fetch(`${ofrep}${SINGLE}`, { method: 'POST', body: BODY })).json()) as { variant?: string };
  if (single.variant === undefined) throw new Error(`${SINGLE}: no variant in ${JSON.stringify(single)}`);
  const bulk = (await (await fetch(`${ofrep}${BULK}`, { method: 'POST', body: BODY })).json()) as { flags: unknown[] };
  if (bulk.flags.length !== FLAGS + 1) throw new Error(`${BULK}: ${bulk.flags.length} flags, expected ${FLAGS} and a kill switch`);
}

/** One autocannon run, with the CPU the server process and this (the load generator) spent on it. */
async function measured(server: ServerProcess, spec: Load): Promise<{ result: autocannon.Result; serverCpuMs: number; clientCpuMs: number }> {
  const serverBefore = processCpuMs(server.pid) ?? Number.NaN;
  const clientBefore = process.cpuUsage();
  const result = await load(spec);
  const client = process.cpuUsage(clientBefore);
  return { result, serverCpuMs: (processCpuMs(server.pid) ?? Number.NaN) - serverBefore, clientCpuMs: (client.user + client.system) / 1000 };
}

export async function run(options: BenchOptions = { quick: false }): Promise<BenchRow[]> {
  const roundS = options.quick ? 1 : 4;
  const rounds = options.quick ? 1 : 2;
  const fixedS = options.quick ? 1 : 4;
  const bulkRequests = options.quick ? 200 : 2000;
  const dir = mkdtempSync(join(tmpdir(), 'aiflags-bench-serve-'));
  const flags = join(dir, 'flags.yaml');
  writeFileSync(flags, ofrepBenchFlags(FLAGS));
  const env = { REDIS_URL: '', AIFLAGS_SERVE_TOKEN: '', AIFLAGS_SERVE_WRITE_TOKEN: '' };
  const servers: ServerProcess[] = [];
  try {
    const [bare, ofrep, logged] = await Promise.all([
      spawnServer([...LOADER, siblingEntry('bare-json-server')], { cwd: repoRoot }),
      spawnServer([...LOADER, cli, 'serve', '--flags', flags, '--port', '0'], { cwd: repoRoot, env }),
      spawnServer([...LOADER, cli, 'serve', '--flags', flags, '--port', '0', '--log-requests'], { cwd: repoRoot, env }),
    ]);
    servers.push(bare, ofrep, logged);
    await checkAnswers(ofrep.url);
    const single = { bare: { server: bare, url: `${bare.url}/` }, ofrep: { server: ofrep, url: `${ofrep.url}${SINGLE}` } };

    for (const { url } of Object.values(single)) await load({ url, durationS: 1, connections: CONNECTIONS });
    const totals = {
      bare: { rps: [] as number[], requests: 0, cpuMs: 0, clientCpuMs: 0, wallMs: 0 },
      ofrep: { rps: [] as number[], requests: 0, cpuMs: 0, clientCpuMs: 0, wallMs: 0 },
    };
    for (let r = 0; r < rounds; r++) {
      for (const name of ['bare', 'ofrep'] as const) {
        const m = await measured(single[name].server, { url: single[name].url, durationS: roundS, connections: CONNECTIONS });
        const t = totals[name];
        t.rps.push(m.result.requests.average);
        t.requests += m.result.requests.total;
        t.cpuMs += m.serverCpuMs;
        t.clientCpuMs += m.clientCpuMs;
        t.wallMs += m.result.duration * 1000;
      }
    }
    const fixed = {
      bare: await load({ url: single.bare.url, durationS: fixedS, connections: CONNECTIONS, overallRate: FIXED_RATE }),
      ofrep: await load({ url: single.ofrep.url, durationS: fixedS, connections: CONNECTIONS, overallRate: FIXED_RATE }),
    };

    const bulkUrl = `${logged.url}${BULK}`;
    await load({ url: bulkUrl, amount: Math.ceil(bulkRequests / 4), connections: 1 });
    await new Promise((r) => setTimeout(r, 200));
    const from = logged.stderrLines.length;
    const bulk = await measured(logged, { url: bulkUrl, amount: bulkRequests, connections: 1 });
    await new Promise((r) => setTimeout(r, 200));
    const serverMs = logged.stderrLines
      .slice(from)
      .map((line) => LOGGED_BULK.exec(line)?.[1])
      .filter((ms): ms is string => ms !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
    if (serverMs.length < bulkRequests) throw new Error(`bulk: the server logged ${serverMs.length} of ${bulkRequests} requests`);

    const bareRps = mean(totals.bare.rps);
    const ofrepRps = mean(totals.ofrep.rps);
    const ratio = ofrepRps / bareRps;
    const cpuUs = (t: (typeof totals)['bare']) => (t.cpuMs * 1000) / t.requests;
    const cpuRatio = cpuUs(totals.bare) / cpuUs(totals.ofrep);
    const clientShare = totals.bare.clientCpuMs / totals.bare.wallMs;
    const bulkP50 = quantile(serverMs, 0.5);
    const bulkP99 = quantile(serverMs, 0.99);
    const bulkCpuMs = bulk.serverCpuMs / bulkRequests;
    const sample = `${rounds} × ${roundS} s, ${CONNECTIONS} connections, load avg ${loadavg()[0]!.toFixed(1)}`;
    return [
      {
        suite: SUITE,
        name: 'bare node:http, fixed JSON body: throughput',
        value: Math.round(bareRps),
        unit: 'req/s',
        note: `${sample}; the load generator used ${(clientShare * 100).toFixed(0)} % of a core meanwhile${clientShare > 0.9 ? ' (it may be the limit)' : ''}`,
      },
      { suite: SUITE, name: 'OFREP single evaluation: throughput', value: Math.round(ofrepRps), unit: 'req/s', note: sample },
      {
        suite: SUITE,
        name: 'OFREP single ÷ bare throughput',
        value: round(ratio),
        unit: 'ratio',
        note: `${(ratio * 100).toFixed(0)} % of the bare server; goal ≥ ${THROUGHPUT_GOAL * 100} %: ${verdict(ratio >= THROUGHPUT_GOAL)}`,
      },
      { suite: SUITE, name: 'bare node:http: server CPU per request', value: round(cpuUs(totals.bare), 1), unit: 'µs', note: 'user + system, from /proc' },
      {
        suite: SUITE,
        name: 'OFREP single: server CPU per request',
        value: round(cpuUs(totals.ofrep), 1),
        unit: 'µs',
        note: `bare ÷ OFREP ${(cpuRatio * 100).toFixed(0)} %: the throughput ratio if the server's own CPU were the only limit (a cross-check, not the goal)`,
      },
      {
        suite: SUITE,
        name: `bare node:http: p99 latency at ${FIXED_RATE} req/s`,
        value: fixed.bare.latency.p99,
        unit: 'ms',
        note: `p50 ${fixed.bare.latency.p50} ms, ${fixedS} s`,
      },
      {
        suite: SUITE,
        name: `OFREP single: p99 latency at ${FIXED_RATE} req/s`,
        value: fixed.ofrep.latency.p99,
        unit: 'ms',
        note: `p50 ${fixed.ofrep.latency.p50} ms, ${fixedS} s`,
      },
      {
        suite: SUITE,
        name: `OFREP bulk, ${FLAGS} flags: server time p50`,
        value: bulkP50,
        unit: 'ms',
        note: `${serverMs.length} requests one at a time after a warm-up, p90 ${quantile(serverMs, 0.9)} ms; goal ≤ ${BULK_GOAL_MS} ms: ${verdict(bulkP50 <= BULK_GOAL_MS)}`,
      },
      {
        suite: SUITE,
        name: `OFREP bulk, ${FLAGS} flags: server time p99`,
        value: bulkP99,
        unit: 'ms',
        note: `wall clock, so it counts waiting for a core; client round trip p99 ${bulk.result.latency.p99} ms; goal ≤ ${BULK_GOAL_MS} ms: ${verdict(bulkP99 <= BULK_GOAL_MS)}`,
      },
      {
        suite: SUITE,
        name: `OFREP bulk, ${FLAGS} flags: server CPU per request`,
        value: round(bulkCpuMs, 3),
        unit: 'ms',
        note: `mean over ${bulkRequests}, request log included; goal ≤ ${BULK_GOAL_MS} ms: ${verdict(bulkCpuMs <= BULK_GOAL_MS)}`,
      },
    ];
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
}
