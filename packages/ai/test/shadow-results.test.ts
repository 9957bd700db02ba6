import { describe, expect, it } from 'vitest';
import type { ReplayResult } from '../src/replay/replay-types.js';
import { ShadowResults } from '../src/shadow/shadow-results.js';

const result = (caseId: string, variant: string, scores: Record<string, number> = {}): ReplayResult => ({
  flagKey: 'chat-model',
  flagVersion: 'shadow',
  caseId,
  variant,
  ok: true,
  latencyMs: 1,
  scores,
  at: '2026-12-04T00:00:00.000Z',
});

describe('ShadowResults', () => {
  it('keeps both arms of a request and merges later scores into an arm', () => {
    const kept = new ShadowResults();
    kept.put(result('r1', 'control'));
    kept.put(result('r1', 'treatment~shadow', { quality: 0.5 }));
    kept.put(result('r1', 'treatment~shadow', { judge: 0.9 }));
    expect(kept.get('chat-model', 'r1', 'treatment~shadow')?.scores).toEqual({ quality: 0.5, judge: 0.9 });
    expect(kept.addScores('chat-model', 'r1', 'control', { judge: 0.7 })).toBe(true);
    expect(kept.results('chat-model').map((r) => [r.variant, r.scores])).toEqual([
      ['control', { judge: 0.7 }],
      ['treatment~shadow', { quality: 0.5, judge: 0.9 }],
    ]);
    expect(kept.results('other-flag')).toEqual([]);
  });

  it('keeps the latest maxRequests requests, evicting the oldest first, over many turns of its ring', () => {
    const kept = new ShadowResults(3);
    for (let i = 0; i < 10; i++) {
      kept.put(result(`r${i}`, 'control'));
      kept.put(result(`r${i}`, 'treatment~shadow'));
    }
    expect(kept.results().map((r) => r.caseId)).toEqual(['r7', 'r7', 'r8', 'r8', 'r9', 'r9']);
    expect(kept.get('chat-model', 'r6', 'control')).toBeUndefined();
    expect(kept.addScores('chat-model', 'r6', 'control', { judge: 1 })).toBe(false);
    // A late arm of a kept request does not count as a new request.
    kept.put(result('r7', 'late'));
    expect(kept.results().map((r) => r.caseId)).toEqual(['r7', 'r7', 'r7', 'r8', 'r8', 'r9', 'r9']);
  });
});
