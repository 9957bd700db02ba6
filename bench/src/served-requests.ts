/**
 * The served-request loop the background-work benches share (judges, shadow traffic): sequential requests of
 * about 1 ms of handler work, each on its own turn of the event loop as on a server, timed two ways.
 *
 * - **Served latency**: from the request's start to its answer being ready (what the user waits for, and what
 *   "adds at most 2 % to the served request's time" is about).
 * - **Wall per request**: the whole loop over the request count, so background work run between requests
 *   (a judge, a shadow candidate, recording) is in it: what it costs a saturated server in throughput.
 *
 * The instance doing the background work lives across blocks, as in a server that has been up a while, and
 * is drained after each block (that time counts in the wall), so its work never spills into an "off" block.
 */
import { median } from './measure.js';

const payload = { messages: Array.from({ length: 40 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: 'x'.repeat(200) })) };

/** About 1 ms of request work on a typical core: a JSON round trip of a chat-sized payload, 20 times. */
export function handle(): string {
  let out = '';
  for (let i = 0; i < 20; i++) out = JSON.stringify(JSON.parse(JSON.stringify(payload)));
  return out;
}

export interface ServedTimes {
  /** Mean ms from a request's start to its answer. */
  servedMs: number;
  /** ms of the whole loop per request, background work between requests (and left at the end) included. */
  wallMs: number;
}

/**
 * Runs `requests` sequential requests; `request(i)` does one and returns when its answer is ready. `settle`, when
 * given, waits for the background work still going after the last answer, and its time counts in the wall.
 */
export async function serveSequentially(requests: number, request: (i: number) => void, settle?: () => Promise<void>): Promise<ServedTimes> {
  let served = 0;
  const start = performance.now();
  for (let i = 0; i < requests; i++) {
    const began = performance.now();
    request(i);
    served += performance.now() - began;
    // The next request arrives on a later turn of the event loop, as on a server.
    await new Promise((resolve) => setImmediate(resolve));
  }
  await settle?.();
  return { servedMs: served / requests, wallMs: (performance.now() - start) / requests };
}

export interface PairedOverhead {
  /** Mean over all blocks, off and on (every block serves the same number of requests). */
  off: ServedTimes;
  on: ServedTimes;
  /** on / off of the pooled means: what the background work adds to the mean served latency, and to the wall. */
  servedRatio: number;
  wallRatio: number;
  /** The paired blocks' on / off served ratios: median and quartiles, how much the pairs agree. */
  servedMedian: number;
  servedQuartiles: [number, number];
  pairs: number;
}

/**
 * `pairs` blocks of (off, on) run back to back, in alternating order, so drift of the machine falls on both alike.
 * Short blocks (a few hundred requests, a fraction of a second each) with many pairs cancel more drift than a few
 * long rounds: the ratio of the pooled means is the figure, the median of the paired ratios a check beside it.
 */
export async function pairedOverhead(pairs: number, off: () => Promise<ServedTimes>, on: () => Promise<ServedTimes>): Promise<PairedOverhead> {
  const offs: ServedTimes[] = [];
  const ons: ServedTimes[] = [];
  for (let r = 0; r < pairs; r++) {
    if (r % 2 === 0) {
      offs.push(await off());
      ons.push(await on());
    } else {
      ons.push(await on());
      offs.push(await off());
    }
  }
  const mean = (xs: ServedTimes[]): ServedTimes => ({
    servedMs: xs.reduce((sum, x) => sum + x.servedMs, 0) / xs.length,
    wallMs: xs.reduce((sum, x) => sum + x.wallMs, 0) / xs.length,
  });
  const offMean = mean(offs);
  const onMean = mean(ons);
  const ratios = ons.map((x, i) => x.servedMs / offs[i]!.servedMs).sort((a, b) => a - b);
  const at = (q: number) => ratios[Math.round(q * (ratios.length - 1))]!;
  return {
    off: offMean,
    on: onMean,
    servedRatio: onMean.servedMs / offMean.servedMs,
    wallRatio: onMean.wallMs / offMean.wallMs,
    servedMedian: median(ratios),
    servedQuartiles: [at(0.25), at(0.75)],
    pairs,
  };
}

/**
 * The rows of a background-work bench: served latency (the goal) and throughput (context). The goal is judged on
 * the median of the paired blocks' ratios: on a shared VM a stall of a few ms lands in some block now and then,
 * which moves the pooled mean by up to ±2 % with no background work at all (`aa`, off against off, shows how
 * much in this run), while the median of 100 pairs moves by under 1 %. Background work costs every block alike
 * (a scavenge every dozen requests), so the median keeps it; the pooled mean is printed beside it.
 */
export function overheadRows(suite: string, what: string, m: PairedOverhead, goal: number, note: string, aa?: PairedOverhead) {
  const pct = (r: number) => `${r >= 1 ? '+' : ''}${((r - 1) * 100).toFixed(2)} %`;
  const rows = [
    { suite, name: `served latency, ${what} off (mean)`, value: round3(m.off.servedMs), unit: 'ms', note },
    { suite, name: `served latency, ${what} on (mean)`, value: round3(m.on.servedMs), unit: 'ms' },
    {
      suite,
      name: `served latency ${what} on / off`,
      value: round3(m.servedMedian),
      unit: 'ratio',
      note: `${pct(m.servedMedian)}, median of ${m.pairs} paired blocks (quartiles ${pct(m.servedQuartiles[0])} to ${pct(m.servedQuartiles[1])}; pooled means ${pct(m.servedRatio)}); goal ≤ ${((goal - 1) * 100).toFixed(0)} %: ${m.servedMedian <= goal ? 'met' : 'MISSED'}`,
    },
    {
      suite,
      name: `wall per request ${what} on / off`,
      value: round3(m.wallRatio),
      unit: 'ratio',
      note: `${pct(m.wallRatio)} (pooled): the background work, what a saturated server pays in throughput`,
    },
  ];
  if (aa !== undefined) {
    rows.push({
      suite,
      name: 'served latency, off / off (noise floor)',
      value: round3(aa.servedMedian),
      unit: 'ratio',
      note: `${pct(aa.servedMedian)} median of ${aa.pairs} pairs, pooled means ${pct(aa.servedRatio)}: what the same loop reads with no background work`,
    });
  }
  return rows;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
