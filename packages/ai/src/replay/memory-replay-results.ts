import type { ReplayResult, ReplayResultStore } from './replay-types.js';

/** Replay results in process memory (tests, one-off runs). */
export class MemoryReplayResults implements ReplayResultStore {
  readonly results: ReplayResult[] = [];

  async load(flagKey: string, flagVersion: string): Promise<ReplayResult[]> {
    return this.results.filter((r) => r.flagKey === flagKey && r.flagVersion === flagVersion);
  }

  async *stream(flagKey: string, flagVersion: string): AsyncGenerator<ReplayResult> {
    for (const r of this.results) if (r.flagKey === flagKey && r.flagVersion === flagVersion) yield r;
  }

  async append(result: ReplayResult): Promise<void> {
    this.results.push(result);
  }
}
