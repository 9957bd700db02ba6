import type { ReplayResult } from '../replay/replay-types.js';

/** The suffix of a candidate's shadow arm: `treatment~shadow` ran beside live requests, never served. */
export const SHADOW_SUFFIX = '~shadow';

/** The shadow arm's variant name for a candidate. */
export function shadowArm(variant: string): string {
  return `${variant}${SHADOW_SUFFIX}`;
}

export function isShadowArm(variant: string): boolean {
  return variant.endsWith(SHADOW_SUFFIX);
}

/** The flag version shadow results are kept under (live traffic has no replay version). */
export const SHADOW_VERSION = 'shadow';

/**
 * Shadow results in process memory, in the replay result shape (request id as the case id): the served
 * control and the shadow arm of each sampled request, with judge scores merged in as they arrive. Oldest
 * requests go first past `maxRequests` (default 100 000).
 */
export class ShadowResults {
  private readonly byRequest = new Map<string, Map<string, ReplayResult>>();

  constructor(private readonly maxRequests = 100_000) {}

  /** Every result of a flag (both arms), for `analyzeShadow`. */
  results(flagKey?: string): ReplayResult[] {
    const out: ReplayResult[] = [];
    for (const arms of this.byRequest.values()) for (const r of arms.values()) if (flagKey === undefined || r.flagKey === flagKey) out.push(r);
    return out;
  }

  put(result: ReplayResult): void {
    const key = `${result.flagKey}\u0000${result.caseId}`;
    let arms = this.byRequest.get(key);
    if (arms === undefined) {
      if (this.byRequest.size >= this.maxRequests) this.byRequest.delete(this.byRequest.keys().next().value!);
      this.byRequest.set(key, (arms = new Map()));
    }
    const earlier = arms.get(result.variant);
    arms.set(result.variant, earlier ? { ...result, scores: { ...earlier.scores, ...result.scores } } : result);
  }

  /** The result of one arm of one request, as kept now (scores merged); undefined when not put or evicted. */
  get(flagKey: string, requestId: string, variant: string): ReplayResult | undefined {
    return this.byRequest.get(`${flagKey}\u0000${requestId}`)?.get(variant);
  }

  /** Adds scores to a result already put; false when it is gone (evicted). */
  addScores(flagKey: string, requestId: string, variant: string, scores: Record<string, number>): boolean {
    const r = this.byRequest.get(`${flagKey}\u0000${requestId}`)?.get(variant);
    if (r === undefined) return false;
    Object.assign(r.scores, scores);
    return true;
  }
}
