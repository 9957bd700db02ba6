import type { LiveState } from './types.js';

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
