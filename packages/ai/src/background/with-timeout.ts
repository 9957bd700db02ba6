/** What `withTimeout` answers when the call was still going at the deadline. */
export const TIMED_OUT: unique symbol = Symbol('timed out');

/** A call that threw or rejected: what it threw, for counting and one-line warnings. */
export class Failure {
  constructor(readonly error: unknown) {}
}

/**
 * The call's answer, a Failure when it throws or rejects, or TIMED_OUT once `ms` pass (its signal then aborts
 * and a late answer is ignored). One promise and one unref'd timer per call, settled by whichever comes first:
 * judges and shadow runs call it for every sampled response, so it allocates as little as it can.
 */
export function withTimeout<T>(call: (signal: AbortSignal) => T | Promise<T>, ms: number): Promise<T | Failure | typeof TIMED_OUT> {
  const controller = new AbortController();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      controller.abort();
      resolve(TIMED_OUT);
    }, ms);
    timer.unref?.();
    const settle = (value: T | Failure) => {
      clearTimeout(timer);
      resolve(value);
    };
    try {
      Promise.resolve(call(controller.signal)).then(settle, (error: unknown) => settle(new Failure(error)));
    } catch (error) {
      settle(new Failure(error));
    }
  });
}
