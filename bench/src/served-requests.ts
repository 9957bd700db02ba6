/**
 * The served-request loop the background-work benches share (judges, shadow traffic): sequential requests of
 * about 1 ms of handler work, each on its own turn of the event loop as on a server, timed two ways.
 *
 * - **Served latency**: from the request's start to its answer being ready (what the user waits for, and what
 *   "adds at most 2 % to the served request's time" is about).
 * - **Wall per request**: the whole loop over the request count, so background work run between requests
 *   (a judge, a shadow candidate, recording) is in it: what it costs a saturated server in throughput.
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
  /** ms of the whole loop per request, background work between requests included. */
  wallMs: number;
}

/** Runs `requests` sequential requests; `request(i)` does one and returns when its answer is ready. */
export async function serveSequentially(requests: number, request: (i: number) => void): Promise<ServedTimes> {
  let served = 0;
  const start = performance.now();
  for (let i = 0; i < requests; i++) {
    const began = performance.now();
    request(i);
    served += performance.now() - began;
    // The next request arrives on a later turn of the event loop, as on a server.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { servedMs: served / requests, wallMs: (performance.now() - start) / requests };
}

export interface PairedOverhead {
  off: ServedTimes;
  on: ServedTimes;
  /** Median over rounds of on / off served latency, and of on / off wall per request. */
  servedRatio: number;
  wallRatio: number;
}

/**
 * Rounds of (off, on) run back to back, in alternating order so drift of the machine falls on both alike; the
 * median of the paired ratios, since pairing cancels most of the noise that unpaired medians keep.
 */
export async function pairedOverhead(rounds: number, off: () => Promise<ServedTimes>, on: () => Promise<ServedTimes>): Promise<PairedOverhead> {
  const offs: ServedTimes[] = [];
  const ons: ServedTimes[] = [];
  for (let r = 0; r < rounds; r++) {
    if (r % 2 === 0) {
      offs.push(await off());
      ons.push(await on());
    } else {
      ons.push(await on());
      offs.push(await off());
    }
  }
  const pick = (xs: ServedTimes[]): ServedTimes => ({ servedMs: median(xs.map((x) => x.servedMs)), wallMs: median(xs.map((x) => x.wallMs)) });
  return {
    off: pick(offs),
    on: pick(ons),
    servedRatio: median(ons.map((x, i) => x.servedMs / offs[i]!.servedMs)),
    wallRatio: median(ons.map((x, i) => x.wallMs / offs[i]!.wallMs)),
  };
}

/** The two ratio rows of a background-work bench: served latency (the goal) and throughput (context). */
export function overheadRows(suite: string, what: string, m: PairedOverhead, goal: number, note: string) {
  const pctMore = (r: number) => `${((r - 1) * 100).toFixed(2)} % more`;
  return [
    { suite, name: `served latency, ${what} off (median)`, value: round3(m.off.servedMs), unit: 'ms', note },
    { suite, name: `served latency, ${what} on (median)`, value: round3(m.on.servedMs), unit: 'ms' },
    {
      suite,
      name: `served latency ${what} on / off (paired)`,
      value: round3(m.servedRatio),
      unit: 'ratio',
      note: `${pctMore(m.servedRatio)}; goal ≤ ${((goal - 1) * 100).toFixed(0)} %: ${m.servedRatio <= goal ? 'met' : 'MISSED'}`,
    },
    {
      suite,
      name: `wall per request ${what} on / off (paired)`,
      value: round3(m.wallRatio),
      unit: 'ratio',
      note: `${pctMore(m.wallRatio)}: the background work between requests, what a saturated server pays in throughput`,
    },
  ];
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
