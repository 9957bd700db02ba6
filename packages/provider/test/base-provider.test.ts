import { ErrorCode, type EvaluationContext, type FlagValue, type FlagValueType, ProviderEvents, type ResolutionDetails } from '@openfeature/server-sdk';
import { describe, expect, it } from 'vitest';
import { BaseProvider, hasValueType, trackInto } from '../src/index.js';

class Scripted extends BaseProvider {
  readonly metadata = { name: 'scripted' } as const;
  constructor(private readonly answer: (key: string) => unknown) {
    super();
  }
  protected resolveValue<T extends FlagValue>(
    flagKey: string,
    _type: FlagValueType,
    _d: T,
    _c: EvaluationContext,
  ): ResolutionDetails<T> | Promise<ResolutionDetails<T>> {
    return this.answer(flagKey) as ResolutionDetails<T> | Promise<ResolutionDetails<T>>;
  }
  lose(event: ProviderEvents.Error | ProviderEvents.Stale, why: string) {
    this.lost(event, why);
  }
  recover() {
    this.recovered('back');
  }
}

describe('BaseProvider', () => {
  it('answers the default with GENERAL when resolveValue throws or rejects, never throwing', async () => {
    const provider = new Scripted((key) => {
      if (key === 'throws') throw new Error('boom');
      if (key === 'rejects') return Promise.reject(new Error('late boom'));
      return { value: 'x', reason: 'STATIC' };
    });
    await expect(provider.resolveStringEvaluation('throws', 'd', {})).resolves.toMatchObject({
      value: 'd',
      errorCode: ErrorCode.GENERAL,
      errorMessage: 'boom',
    });
    await expect(provider.resolveStringEvaluation('rejects', 'd', {})).resolves.toMatchObject({
      value: 'd',
      errorCode: ErrorCode.GENERAL,
      errorMessage: 'late boom',
    });
    await expect(provider.resolveStringEvaluation('ok', 'd', {})).resolves.toEqual({ value: 'x', reason: 'STATIC' });
  });

  it('emits STALE or ERROR when the source is lost and READY once at the next sign of life', () => {
    const provider = new Scripted(() => ({}));
    const seen: string[] = [];
    for (const event of [ProviderEvents.Ready, ProviderEvents.Stale, ProviderEvents.Error]) provider.events.addHandler(event, () => seen.push(event));
    provider.recover();
    provider.lose(ProviderEvents.Stale, 'offline');
    provider.recover();
    provider.recover();
    provider.lose(ProviderEvents.Error, 'bad');
    provider.recover();
    return new Promise<void>((done) =>
      setTimeout(() => {
        expect(seen).toEqual([ProviderEvents.Stale, ProviderEvents.Ready, ProviderEvents.Error, ProviderEvents.Ready]);
        done();
      }, 10),
    );
  });

  it('checks value types as OpenFeature means them', () => {
    expect(hasValueType({}, 'object')).toBe(true);
    expect(hasValueType([1], 'object')).toBe(true);
    expect(hasValueType(null, 'object')).toBe(false);
    expect(hasValueType('1', 'number')).toBe(false);
    expect(hasValueType(true, 'boolean')).toBe(true);
  });

  it('tracks into a sink best effort: a throwing sink never reaches the caller', () => {
    const got: string[] = [];
    trackInto({ track: (name) => got.push(name) })('done', {});
    expect(got).toEqual(['done']);
    expect(() =>
      trackInto({
        track: () => {
          throw new Error('sink down');
        },
      })('done', {}),
    ).not.toThrow();
  });
});
