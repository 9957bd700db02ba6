import { emptyLiveState, type LiveState } from './types.js';

export type StateListener = (state: LiveState, changed: string[]) => void;

/** The listener list every store keeps; a throwing listener never stops the others. */
export class StateListeners {
  private readonly listeners = new Set<StateListener>();

  /** `onError` hears a listener's throw (default: console.error). */
  constructor(private readonly onError: (error: unknown) => void = (error) => console.error('aiflags: a live-state listener threw:', error)) {}

  add(listener: StateListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Calls every listener, unless nothing changed. */
  emit(state: LiveState, changed: string[]): void {
    if (changed.length === 0) return;
    for (const listener of this.listeners) {
      try {
        listener(state, changed);
      } catch (error) {
        this.onError(error);
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}

/**
 * What every live-state store keeps: the last good state, served by `current()` without waiting on I/O, and
 * its listeners. Stores extend it and assign `state` and emit on `listeners` as changes arrive.
 */
export abstract class LiveStateCache {
  protected state: LiveState = emptyLiveState();
  protected readonly listeners = new StateListeners((error) => this.listenerFailed(error));

  current(): LiveState {
    return this.state;
  }

  onChange(listener: StateListener): () => void {
    return this.listeners.add(listener);
  }

  /** A listener threw; the others still ran. Default: console.error. */
  protected listenerFailed(error: unknown): void {
    console.error('aiflags: a live-state listener threw:', error);
  }
}
