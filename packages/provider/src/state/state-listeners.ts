import type { LiveState } from '@aiflags/core';

export type StateListener = (state: LiveState, changed: string[]) => void;

/** The listener list every store keeps; a throwing listener never stops the others. */
export class StateListeners {
  private readonly listeners = new Set<StateListener>();

  add(listener: StateListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(state: LiveState, changed: string[]): void {
    for (const listener of this.listeners) {
      try {
        listener(state, changed);
      } catch (error) {
        console.error('aiflags: a live-state listener threw:', error);
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
