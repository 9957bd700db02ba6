import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { InMemoryProvider, OpenFeature, type EvaluationContext } from '@openfeature/server-sdk';
import { aiFlags } from '../src/index.js';
import { MemoryMetricStore } from '@aiflags/metrics';

// The OpenFeature server SDK spreads the context before its own try block, so these make get*Details throw.
const throwingGetter = (): EvaluationContext =>
  Object.defineProperty({}, 'targetingKey', {
    enumerable: true,
    get() {
      throw new Error('getter\nexploded');
    },
  }) as EvaluationContext;
const throwingProxy = (): EvaluationContext =>
  new Proxy({} as EvaluationContext, {
    get: () => {
      throw new Error('proxy get');
    },
    ownKeys: () => {
      throw new Error('proxy ownKeys');
    },
    getOwnPropertyDescriptor: () => {
      throw new Error('proxy descriptor');
    },
    has: () => {
      throw new Error('proxy has');
    },
  });

const provider = new InMemoryProvider({
  ai_agent_enabled: { variants: { on: true, off: false }, defaultVariant: 'on', disabled: false },
  'chat-model': { variants: { control: { model: 'gpt-4o', provider: 'openai' } }, defaultVariant: 'control', disabled: false },
  'system-prompt': { variants: { helpful: 'You help.' }, defaultVariant: 'helpful', disabled: false },
});
await OpenFeature.setProviderAndWait('hostile-context', provider);
const flags = aiFlags(OpenFeature.getClient('hostile-context'), { metrics: new MemoryMetricStore() });
const fallbackModel = { model: 'fallback-model', provider: 'fallback' };

describe('hostile contexts never throw through the helpers', () => {
  it.each([
    ['a throwing getter', throwingGetter],
    ['a Proxy that throws on every trap', throwingProxy],
  ])('%s: guard allows, model/prompt/variant answer the fallback with INVALID_CONTEXT', async (_name, make) => {
    await expect(flags.guard('ai_agent_enabled', make())).resolves.toBeNull();
    await expect(flags.guardOrThrow('ai_agent_enabled', make())).resolves.toBeUndefined();
    const m = await flags.model('chat-model', make(), fallbackModel);
    expect(m).toMatchObject({ model: 'fallback-model', variant: 'fallback', error: { code: 'INVALID_CONTEXT' } });
    expect(m.error?.message).not.toMatch(/\n/);
    m.tracker.record({ quality: 4 }); // the tracker reads the same context: still no throw
    await expect(m.tracker.trackDurationOf(async () => 1)).resolves.toBe(1);
    const p = await flags.prompt('system-prompt', make(), 'fallback prompt');
    expect(p).toMatchObject({ text: 'fallback prompt', variant: 'fallback', error: { code: 'INVALID_CONTEXT' } });
    const v = await flags.variant('system-prompt', make(), 'x');
    expect(v).toMatchObject({ value: 'x', variant: 'fallback', error: { code: 'INVALID_CONTEXT' } });
  });

  it('a well-formed context still gets the flag, with no error', async () => {
    const m = await flags.model('chat-model', { targetingKey: 'u1' }, fallbackModel);
    expect(m).toMatchObject({ model: 'gpt-4o', variant: 'control' });
    expect(m.error).toBeUndefined();
  });

  it('property: no context built from hostile parts makes a helper throw (fast-check, seed 12)', async () => {
    // fast-check inspects the values it generates, so the hostile objects are built inside the property from tags.
    const hostile = {
      proxy: throwingProxy,
      getter: throwingGetter,
      cyclic,
      bigint: () => 10n,
      symbol: () => Symbol('s'),
    } as const;
    const tag = fc.constantFrom(...(Object.keys(hostile) as Array<keyof typeof hostile>));
    const context = fc.oneof(
      tag.map((t) => ({ whole: t })),
      fc.record({
        plain: fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('targetingKey', 'constructor')), fc.anything()),
        parts: fc.dictionary(fc.oneof(fc.string(), fc.constant('targetingKey')), tag),
      }),
    );
    const build = (spec: { whole: keyof typeof hostile } | { plain: Record<string, unknown>; parts: Record<string, keyof typeof hostile> }): unknown => {
      if ('whole' in spec) return hostile[spec.whole]();
      const ctx: Record<string, unknown> = { ...spec.plain };
      for (const [key, t] of Object.entries(spec.parts)) ctx[key] = hostile[t]();
      return ctx;
    };
    await fc.assert(
      fc.asyncProperty(context, async (spec) => {
        const c = build(spec) as EvaluationContext;
        const denial = await flags.guard('ai_agent_enabled', c);
        expect(denial).toBeNull();
        await flags.guardOrThrow('ai_agent_enabled', c);
        const m = await flags.model('chat-model', c, fallbackModel);
        m.tracker.record({ quality: 3, latencyMs: 5 });
        await flags.prompt('system-prompt', c, 'fb', { product: c as unknown });
        await flags.variant('chat-model', c, { model: 'x' });
      }),
      { seed: 12, numRuns: 300 },
    );
  });
});

function cyclic(): EvaluationContext {
  const a: Record<string, unknown> = { targetingKey: 'u-cyclic' };
  a.self = a;
  return a as EvaluationContext;
}
