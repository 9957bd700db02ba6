import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { validateFlags } from '@aiflags/core';
import { SHADOWED_FLAG, SHADOWED_FLAGS } from '@aiflags/testing';
import { describe, expect, it } from 'vitest';
import { type ShadowRun, ShadowRunner } from '../src/index.js';

const FLAG = SHADOWED_FLAG;
const REQUESTS = 200;

const flags = validateFlags(SHADOWED_FLAGS, 'flags.yaml');

/** The candidate: 5 s per answer (it stops early only when the runner aborts it). */
const sleepsFiveSeconds: ShadowRun = (_value, signal) =>
  new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ output: 'late' }), 5_000);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve({ output: 'aborted' });
    });
  });

/** A real HTTP server whose handler does ~2 ms of served work, with or without a shadow run per request. */
async function serve(runner: ShadowRunner | undefined): Promise<Server> {
  let n = 0;
  const server = createServer((req, res) => {
    const started = performance.now();
    const ticket = runner?.shadow(FLAG, { targetingKey: `u${n}` }, sleepsFiveSeconds, { requestId: `req-${n++}`, input: req.url });
    setTimeout(() => {
      ticket?.served({ variant: 'control', output: 'served', latencyMs: performance.now() - started });
      res.end('served');
    }, 2);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** Sequential requests' latencies (ms) as the client sees them, sorted. */
async function latencies(server: Server): Promise<number[]> {
  const { port } = server.address() as AddressInfo;
  const out: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const started = performance.now();
    const res = await fetch(`http://127.0.0.1:${port}/ask?i=${i}`);
    expect(await res.text()).toBe('served');
    out.push(performance.now() - started);
  }
  return out.sort((a, b) => a - b);
}

const p99 = (sorted: number[]) => sorted[Math.ceil(sorted.length * 0.99) - 1]!;

describe('shadow on the served path', () => {
  it('never delays the served response: a candidate that sleeps 5 s leaves the served p99 where it was', { timeout: 30_000 }, async () => {
    const off = await serve(undefined);
    const p99Off = p99(await latencies(off));
    off.close();

    const runner = new ShadowRunner({ flags, concurrency: 32, timeoutMs: 10_000 });
    const on = await serve(runner);
    const onLatencies = await latencies(on);
    on.close();
    const stats = runner.stats();
    // The candidate really was running (5 s each) while the requests were served.
    expect(stats.flags[FLAG]!.sampled).toBe(REQUESTS);
    expect(stats.running).toBeGreaterThan(0);
    const p99On = p99(onLatencies);
    // Statistical, not a fragile timing check: the whole test serves in well under one candidate answer.
    expect(p99On).toBeLessThan(p99Off + 50);
    expect(p99On).toBeLessThan(1_000);
    await runner.close();
  });
});
