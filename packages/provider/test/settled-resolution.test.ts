import { describe, expect, it } from 'vitest';
import { ErrorCode, StandardResolutionReasons } from '@openfeature/server-sdk';
import { MemoryStateStore } from '@aiflags/file';
import { LocalProvider } from '../src/index.js';

/** The LocalProvider shares one settled resolution per served core result: what may and may not be shared. */
const FLAGS = {
  flags: {
    model: {
      variants: { control: { model: 'gpt-4o' }, treatment: { model: 'claude-sonnet-4' } },
      defaultVariant: 'control',
      rollout: { variant: 'treatment', percentage: 50 },
    },
    prompt: { variants: { a: 'helpful', b: 'concise' }, defaultVariant: 'a' },
  },
};

describe('LocalProvider settled resolutions', () => {
  it('answers the same served value with one frozen resolution, and the caller default never leaks into it', async () => {
    const provider = new LocalProvider({ flags: FLAGS });
    const first = provider.resolveStringEvaluation('prompt', 'default-1', {});
    const second = provider.resolveStringEvaluation('prompt', 'default-2', { targetingKey: 'u' });
    expect(second).toBe(first);
    const details = await first;
    expect(details).toEqual({ value: 'helpful', variant: 'a', reason: StandardResolutionReasons.STATIC, flagMetadata: expect.any(Object) });
    expect(Object.isFrozen(details)).toBe(true);
  });

  it('never shares a resolution across types: a type mismatch after a hit still answers TYPE_MISMATCH with that caller default', async () => {
    const provider = new LocalProvider({ flags: FLAGS });
    await provider.resolveStringEvaluation('prompt', 'x', {});
    const wrong = await provider.resolveNumberEvaluation('prompt', 7, {});
    expect(wrong).toMatchObject({ value: 7, errorCode: ErrorCode.TYPE_MISMATCH });
    const again = await provider.resolveBooleanEvaluation('prompt', true, {});
    expect(again).toMatchObject({ value: true, errorCode: ErrorCode.TYPE_MISMATCH });
  });

  it('does not share errors or defaults: each unknown key answers its own caller default', async () => {
    const provider = new LocalProvider({ flags: FLAGS });
    const a = await provider.resolveStringEvaluation('promt', 'mine', {});
    const b = await provider.resolveStringEvaluation('promt', 'yours', {});
    expect([a.value, b.value]).toEqual(['mine', 'yours']);
    expect(a.errorCode).toBe(ErrorCode.FLAG_NOT_FOUND);
  });

  it('follows live state: a flag switched off or widened answers its new variant, not a resolution shared before', async () => {
    const state = new MemoryStateStore();
    const provider = new LocalProvider({ flags: FLAGS, state });
    await provider.initialize();
    const users = Array.from({ length: 200 }, (_, i) => ({ targetingKey: `user-${i}` }));
    const before = await Promise.all(users.map((u) => provider.resolveObjectEvaluation('model', {}, u)));
    expect(new Set(before.map((d) => d.variant))).toEqual(new Set(['control', 'treatment']));
    await state.setFlagOverride('model', { percentage: 100 });
    const widened = await Promise.all(users.map((u) => provider.resolveObjectEvaluation('model', {}, u)));
    expect(new Set(widened.map((d) => d.variant))).toEqual(new Set(['treatment']));
    await state.setFlagOverride('model', { enabled: false });
    const off = await provider.resolveObjectEvaluation('model', {}, users[0]!);
    expect(off).toMatchObject({ variant: 'control', reason: StandardResolutionReasons.DISABLED });
    await provider.onClose();
  });

  it('a consumer that changes the object it got cannot change what the next caller gets', async () => {
    const provider = new LocalProvider({ flags: FLAGS });
    const details = await provider.resolveStringEvaluation('prompt', 'x', {});
    expect(() => {
      (details as { value: string }).value = 'tampered';
    }).toThrow(TypeError);
    expect((await provider.resolveStringEvaluation('prompt', 'x', {})).value).toBe('helpful');
  });
});
