import { describe, expect, it } from 'vitest';
import { Failure, TIMED_OUT, withTimeout } from '../src/background/with-timeout.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('withTimeout', () => {
  it('answers with the call’s value, a Failure for a throw or a rejection', async () => {
    expect(await withTimeout(() => 7, 1_000)).toBe(7);
    expect(await withTimeout(async () => 'late but in time', 1_000)).toBe('late but in time');
    const thrown = await withTimeout(() => {
      throw new Error('sync');
    }, 1_000);
    expect(thrown).toBeInstanceOf(Failure);
    expect(((thrown as Failure).error as Error).message).toBe('sync');
    const rejected = await withTimeout(() => Promise.reject(new Error('async')), 1_000);
    expect(((rejected as Failure).error as Error).message).toBe('async');
  });

  it('times a hanging call out between ms and 1.1 × ms after it began, and aborts its signal', async () => {
    let seen: AbortSignal | undefined;
    const began = performance.now();
    const outcome = await withTimeout((signal) => {
      seen = signal;
      return new Promise(() => {});
    }, 200);
    const took = performance.now() - began;
    expect(outcome).toBe(TIMED_OUT);
    // Timers fire no earlier than asked (less 1 ms of clock rounding); the upper bound leaves a busy CI 100 ms.
    expect(took).toBeGreaterThanOrEqual(199);
    expect(took).toBeLessThan(220 + 100);
    expect(seen?.aborted).toBe(true);
    expect((seen!.reason as DOMException).name).toBe('TimeoutError');
  });

  it('ignores an answer that comes after the deadline', async () => {
    const outcome = await withTimeout(() => sleep(80).then(() => 'too late'), 20);
    expect(outcome).toBe(TIMED_OUT);
  });

  it('never times out a call that answered, though it shares its deadline with one that hangs', async () => {
    const quick = withTimeout(() => sleep(5).then(() => 'quick'), 60);
    const hung = withTimeout(() => new Promise(() => {}), 60);
    expect(await quick).toBe('quick');
    expect(await hung).toBe(TIMED_OUT);
  });

  it('shares one signal among calls begun together, without a listener-leak warning', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      const signals = new Set<AbortSignal>();
      const calls = Array.from({ length: 50 }, () =>
        withTimeout((signal) => {
          signals.add(signal);
          signal.addEventListener('abort', () => {});
          return sleep(1).then(() => 'ok');
        }, 10_000),
      );
      expect(await Promise.all(calls)).toEqual(Array(50).fill('ok'));
      expect(signals.size).toBe(1);
      expect([...signals][0]!.aborted).toBe(false);
      await sleep(10);
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('gives calls begun in different slices their own signal', async () => {
    let first: AbortSignal | undefined;
    let second: AbortSignal | undefined;
    await withTimeout((signal) => {
      first = signal;
    }, 50);
    await sleep(10); // a slice of a 50 ms timeout spans 5 ms
    await withTimeout((signal) => {
      second = signal;
    }, 50);
    expect(first).not.toBe(second);
  });

  it('treats a timeout too long for a timer as none', async () => {
    let seen: AbortSignal | undefined;
    const outcome = await withTimeout((signal) => {
      seen = signal;
      return sleep(20).then(() => 'done');
    }, 2 ** 31);
    expect(outcome).toBe('done');
    expect(seen?.aborted).toBe(false);
  });
});
