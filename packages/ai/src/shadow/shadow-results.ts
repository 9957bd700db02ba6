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
 * control and the shadow arm of each sampled request, with judge scores merged in as they arrive. Only the
 * latest `maxRequests` sampled requests are kept (default 10 000, the oldest go first; a plan's shadow stage
 * asks for 500): the `store` the runner writes to keeps them all, outputs included, which memory should not.
 */
export class ShadowResults {
  /** Request key (flag and request id) → its arms, two or three. */
  private readonly byRequest = new Map<string, ReplayResult[]>();
  /** The kept request keys in the order they came, a ring: evicting the oldest is O(1). */
  private readonly order: string[];
  private oldest = 0;
  private readonly maxRequests: number;

  constructor(maxRequests = 10_000) {
    this.maxRequests = Math.max(1, Math.floor(maxRequests));
    this.order = new Array(this.maxRequests);
  }

  /** Every result of a flag (both arms), for `analyzeShadow`. */
  results(flagKey?: string): ReplayResult[] {
    const out: ReplayResult[] = [];
    for (const arms of this.byRequest.values()) for (const r of arms) if (flagKey === undefined || r.flagKey === flagKey) out.push(r);
    return out;
  }

  put(result: ReplayResult): void {
    const key = requestKey(result.flagKey, result.caseId);
    const arms = this.byRequest.get(key);
    if (arms === undefined) {
      this.remember(key);
      this.byRequest.set(key, [result]);
      return;
    }
    const at = arms.findIndex((r) => r.variant === result.variant);
    if (at === -1) arms.push(result);
    else arms[at] = { ...result, scores: { ...arms[at]!.scores, ...result.scores } };
  }

  /** The result of one arm of one request, as kept now (scores merged); undefined when not put or evicted. */
  get(flagKey: string, requestId: string, variant: string): ReplayResult | undefined {
    return this.byRequest.get(requestKey(flagKey, requestId))?.find((r) => r.variant === variant);
  }

  /** Adds scores to a result already put; false when it is gone (evicted). */
  addScores(flagKey: string, requestId: string, variant: string, scores: Record<string, number>): boolean {
    const r = this.get(flagKey, requestId, variant);
    if (r === undefined) return false;
    Object.assign(r.scores, scores);
    return true;
  }

  /** Keeps a new request's key, evicting the oldest request once `maxRequests` are kept. */
  private remember(key: string): void {
    if (this.byRequest.size >= this.maxRequests) this.byRequest.delete(this.order[this.oldest]!);
    this.order[this.oldest] = key;
    this.oldest = (this.oldest + 1) % this.maxRequests;
  }
}

function requestKey(flagKey: string, requestId: string): string {
  return `${flagKey}\u0000${requestId}`;
}
