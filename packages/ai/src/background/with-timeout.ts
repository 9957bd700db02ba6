import { setMaxListeners } from 'node:events';

/** What `withTimeout` answers when the call was still going at the deadline. */
export const TIMED_OUT: unique symbol = Symbol('timed out');

/** A call that threw or rejected: what it threw, for counting and one-line warnings. */
export class Failure {
  constructor(readonly error: unknown) {}
}

/**
 * Calls that start within the same slice of time share one deadline: one AbortController and one unref'd timer
 * per slice, not per call. Making an AbortSignal costs ~2.4 µs on Node 20, more than the rest of a shadow run's
 * bookkeeping, and judges and shadow runs start one call per sampled request.
 */
interface DeadlineSlice {
  /** performance.now() after which new calls open a new slice. */
  closesAt: number;
  controller: AbortController;
  /** The calls still going: each resolves TIMED_OUT when the slice's deadline passes. */
  pending: Set<() => void>;
}

/** The open slice per timeout length. */
const openSlices = new Map<number, DeadlineSlice>();

/** Beyond this a timer fires at once (Node clamps it to 1 ms), so a longer timeout means none. */
const MAX_TIMER_MS = 2 ** 31 - 1 - 100;
const NEVER: DeadlineSlice = { closesAt: Number.POSITIVE_INFINITY, controller: new AbortController(), pending: new Set() };

/** A slice spans a tenth of the timeout, at most 100 ms: a call is aborted between `ms` and 1.1 × `ms` after it began. */
function sliceFor(ms: number): DeadlineSlice {
  if (!(ms <= MAX_TIMER_MS)) return NEVER;
  const now = performance.now();
  const open = openSlices.get(ms);
  if (open !== undefined && now < open.closesAt) return open;
  const span = Math.min(100, Math.max(1, ms / 10));
  const slice: DeadlineSlice = { closesAt: now + span, controller: new AbortController(), pending: new Set() };
  // The calls of a slice share its signal, so listeners of up to a slice's worth of calls are normal, not a leak.
  setMaxListeners(0, slice.controller.signal);
  openSlices.set(ms, slice);
  const timer = setTimeout(() => {
    if (openSlices.get(ms) === slice) openSlices.delete(ms);
    slice.controller.abort(new DOMException(`timed out after ${ms} ms`, 'TimeoutError'));
    for (const expire of slice.pending) expire();
    slice.pending.clear();
  }, span + ms);
  timer.unref?.();
  return slice;
}

/**
 * The call's answer, a Failure when it throws or rejects, or TIMED_OUT once its deadline passes, between `ms` and
 * 1.1 × `ms` (at most `ms` + 100) after it began: its signal then aborts and a late answer is ignored. One promise
 * per call; the signal and the timer are shared with the calls begun at about the same time (`DeadlineSlice`).
 */
export function withTimeout<T>(call: (signal: AbortSignal) => T | Promise<T>, ms: number): Promise<T | Failure | typeof TIMED_OUT> {
  const slice = sliceFor(ms);
  return new Promise((resolve) => {
    let done = false;
    const expire = () => {
      done = true;
      resolve(TIMED_OUT);
    };
    const settle = (value: T | Failure) => {
      if (done) return;
      done = true;
      slice.pending.delete(expire);
      resolve(value);
    };
    if (slice !== NEVER) slice.pending.add(expire);
    try {
      Promise.resolve(call(slice.controller.signal)).then(settle, (error: unknown) => settle(new Failure(error)));
    } catch (error) {
      settle(new Failure(error));
    }
  });
}
