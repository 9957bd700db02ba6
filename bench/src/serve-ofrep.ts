/**
 * `aiflags serve` under load, beside a bare node:http server answering a fixed JSON body (bare-json-server.ts),
 * each in its own process on loopback, loaded by autocannon from this one:
 *
 * - OFREP single evaluations per second (rounds alternate with the bare server's, so a burst of load from
 *   other processes lands on both alike) and p99 latency at a fixed rate. Goal: ≥ 60 % of the bare server.
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
import type { BenchOptions, BenchRow } from './report.js';
import { siblingEntry } from './sibling-entry.js';
import { type ServerProcess, spawnServer } from './spawn-server.js';

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
    const targets = { bare: `${bare.url}/`, ofrep: `${ofrep.url}${SINGLE}` };

    await load({ url: targets.bare, durationS: 1, connections: CONNECTIONS });
    await load({ url: targets.ofrep, durationS: 1, connections: CONNECTIONS });
    const rps = { bare: [] as number[], ofrep: [] as number[] };
    for (let r = 0; r < rounds; r++) {
      rps.bare.push((await load({ url: targets.bare, durationS: roundS, connections: CONNECTIONS })).requests.average);
      rps.ofrep.push((await load({ url: targets.ofrep, durationS: roundS, connections: CONNECTIONS })).requests.average);
    }
    const fixed = {
      bare: await load({ url: targets.bare, durationS: fixedS, connections: CONNECTIONS, overallRate: FIXED_RATE }),
      ofrep: await load({ url: targets.ofrep, durationS: fixedS, connections: CONNECTIONS, overallRate: FIXED_RATE }),
    };

    const from = logged.stderrLines.length;
    const bulkClient = await load({ url: `${logged.url}${BULK}`, amount: bulkRequests, connections: 1 });
    await new Promise((r) => setTimeout(r, 200));
    const serverMs = logged.stderrLines
      .slice(from)
      .map((line) => LOGGED_BULK.exec(line)?.[1])
      .filter((ms): ms is string => ms !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
    if (serverMs.length < bulkRequests) throw new Error(`bulk: the server logged ${serverMs.length} of ${bulkRequests} requests`);

    const bareRps = mean(rps.bare);
    const ofrepRps = mean(rps.ofrep);
    const ratio = ofrepRps / bareRps;
    const bulkP50 = quantile(serverMs, 0.5);
    const bulkP99 = quantile(serverMs, 0.99);
    const sample = `${rounds} × ${roundS} s, ${CONNECTIONS} connections, load avg ${loadavg()[0]!.toFixed(1)}`;
    return [
      { suite: SUITE, name: 'bare node:http, fixed JSON body: throughput', value: Math.round(bareRps), unit: 'req/s', note: sample },
      { suite: SUITE, name: 'OFREP single evaluation: throughput', value: Math.round(ofrepRps), unit: 'req/s', note: sample },
      {
        suite: SUITE,
        name: 'OFREP single ÷ bare throughput',
        value: round(ratio),
        unit: 'ratio',
        note: `${(ratio * 100).toFixed(0)} % of the bare server; goal ≥ ${THROUGHPUT_GOAL * 100} %: ${verdict(ratio >= THROUGHPUT_GOAL)}`,
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
        note: `${serverMs.length} requests, one at a time; goal ≤ ${BULK_GOAL_MS} ms: ${verdict(bulkP50 <= BULK_GOAL_MS)}`,
      },
      {
        suite: SUITE,
        name: `OFREP bulk, ${FLAGS} flags: server time p99`,
        value: bulkP99,
        unit: 'ms',
        note: `client round trip p99 ${bulkClient.latency.p99} ms; goal ≤ ${BULK_GOAL_MS} ms: ${verdict(bulkP99 <= BULK_GOAL_MS)}`,
      },
    ];
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
}
