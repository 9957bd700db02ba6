import { describe, expect, it } from 'vitest';
import { closestKey, FlagConfigError, parseFlags, validateFlags } from '../src/index.js';
import { ModelConfigSchema } from '../src/flags/model-config.js';

const modelSwap = (treatment: string, extra = '') => `flags:
  chat-model:
    changeType: model-swap${extra}
    variants:
      control: { model: gpt-4o, provider: openai }
      treatment: ${treatment}
    defaultVariant: control
`;

function rejection(text: string): FlagConfigError {
  try {
    parseFlags(text, 'flags.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(FlagConfigError);
    return error as FlagConfigError;
  }
  throw new Error('expected the file to be rejected');
}

describe('model-config variants', () => {
  it("rejects { modle: claude-sonnet-4 } in a model swap with did you mean 'model', naming file, flag, variant and field", () => {
    const error = rejection(modelSwap('{ modle: claude-sonnet-4 }'));
    expect(error.message).toMatch(
      /^flags\.yaml: flag 'chat-model', field 'variants\.treatment\.modle': unknown model-config key 'modle'; did you mean 'model'\?/,
    );
    expect(error).toMatchObject({ file: 'flags.yaml', flag: 'chat-model', field: 'variants.treatment.modle' });
  });

  it.each([
    ['{ model: x, temprature: 0.2 }', 'variants.treatment.temprature', "did you mean 'temperature'?"],
    ['{ model: x, max_token: 10 }', 'variants.treatment.max_token', "did you mean 'max_tokens'?"],
    ['{ provider: anthropic }', 'variants.treatment.model', "a model config needs 'model'"],
    ['{ model: "" }', 'variants.treatment.model', 'expected a non-empty model name'],
    ['{ model: x, temperature: 3 }', 'variants.treatment.temperature', 'expected a number from 0 to 2, got 3'],
    ['{ model: x, top_p: 1.5 }', 'variants.treatment.top_p', 'expected a number from 0 to 1, got 1.5'],
    ['{ model: x, maxTokens: 1.5 }', 'variants.treatment.maxTokens', 'expected a whole number'],
    ['{ model: x, zzzzzzzz: 1 }', 'variants.treatment.zzzzzzzz', 'known keys: model, provider,'],
  ])('rejects %s at %s', (variant, field, message) => {
    const error = rejection(modelSwap(variant));
    expect(error.field).toBe(field);
    expect(error.message).toContain(message);
  });

  it('accepts the known keys in both spellings, and anything under params', () => {
    const set = parseFlags(
      modelSwap(
        '{ model: claude-sonnet-4, provider: anthropic, temperature: 0.7, max_tokens: 800, maxTokens: 800, topP: 0.9, top_p: 0.9, stop: ["\\n"], seed: 4, params: { thinking: { budget: 1024 } } }',
      ),
      'flags.yaml',
    );
    expect(set.flags.get('chat-model')?.type).toBe('object');
  });

  it('leaves non-object model swaps alone (a model name as a string variant)', () => {
    expect(() => parseFlags(modelSwap('claude-sonnet-4').replace('{ model: gpt-4o, provider: openai }', 'gpt-4o'), 'flags.yaml')).not.toThrow();
  });

  it('checks any flag marked kind: model-config, and requires its variants to be objects', () => {
    const marked = `flags:
  judge-model:
    kind: model-config
    variants: { a: { model: gpt-4o-mini }, b: { mdoel: x } }
    defaultVariant: a
`;
    expect(rejection(marked).message).toContain("field 'variants.b.mdoel': unknown model-config key 'mdoel'; did you mean 'model'?");
    const strings = `flags:\n  judge-model:\n    kind: model-config\n    variants: { a: gpt-4o }\n    defaultVariant: a\n`;
    expect(rejection(strings).message).toContain("field 'variants.a': expected a model config");
    expect(parseFlags(marked.replace('mdoel', 'model'), 'f.yaml').flags.get('judge-model')?.kind).toBe('model-config');
  });

  it('does not check object flags that are not model configs', () => {
    expect(() =>
      validateFlags({ flags: { tools: { changeType: 'new-tool', variants: { a: { search: true } }, defaultVariant: 'a' } } }, 'flags'),
    ).not.toThrow();
  });

  it('rejects an unknown kind', () => {
    expect(rejection(`flags:\n  x:\n    kind: model\n    variants: { a: 1 }\n    defaultVariant: a\n`).message).toContain(
      "field 'kind': expected one of model-config",
    );
  });
});

describe('closestKey', () => {
  it('suggests a likely typo and nothing for an unrelated key', () => {
    expect(closestKey('modle', Object.keys(ModelConfigSchema.shape))).toBe('model');
    expect(closestKey('ai_agent_enabld', ['web_search_enabled', 'ai_agent_enabled'])).toBe('ai_agent_enabled');
    expect(closestKey('chat-modle', ['system-prompt', 'chat-model'])).toBe('chat-model');
    expect(closestKey('chat-model', ['ai_agent_enabled'])).toBeUndefined();
    expect(closestKey('ab', ['cd'])).toBeUndefined();
  });
});
