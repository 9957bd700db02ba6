import { describe, expect, it } from 'vitest';
import { Reasons, emptyLiveState } from '@aiflags/core';

describe('workspace wiring', () => {
  it('resolves @aiflags/core from source', () => {
    expect(Reasons.SPLIT).toBe('SPLIT');
    expect(emptyLiveState().version).toBe(0);
  });
});
