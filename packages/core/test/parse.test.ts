import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { evaluate, FlagConfigError, parseFlags, validateFlags } from '../src/index.js';
import { VALID_FLAGS_YAML } from '@aiflags/testing';

describe('parseFlags', () => {
  const set = parseFlags(VALID_FLAGS_YAML, 'flags.yaml');

  it('reads every section of the example file', () => {
    expect(set.id).toBe('chat-app');
    expect(set.version).toBe('2026-11-25');
    expect(set.source).toBe('flags.yaml');
    expect([...set.flags.keys()]).toEqual(['chat-model', 'system-prompt', 'temperature', 'new_system_prompt', 'legacy_flag']);
    expect([...set.segments.keys()]).toEqual(['beta-testers']);
    expect([...set.killSwitches.keys()]).toEqual(['ai_agent_enabled', 'web_search_enabled']);
  });

  it('exposes typed, normalized definitions for exporters', () => {
    const flag = set.flags.get('chat-model');
    expect(flag).toMatchObject({ key: 'chat-model', type: 'object', changeType: 'model-swap', owner: 'ml-platform', shorthand: false });
    expect(flag?.definition).toEqual({
      description: 'Swap GPT-4o for Claude Sonnet 4 on chat',
      owner: 'ml-platform',
      changeType: 'model-swap',
      enabled: true,
      variants: {
        control: { model: 'gpt-4o', provider: 'openai', temperature: 0.7 },
        treatment: { model: 'claude-sonnet-4', provider: 'anthropic', temperature: 0.7 },
      },
      defaultVariant: 'control',
      offVariant: 'control',
      rollout: { variant: 'treatment', percentage: 5 },
      rules: [{ name: 'internal-users', segment: 'beta-testers', conditions: [{ attribute: 'country', op: 'not_in', values: ['FR'] }], variant: 'treatment' }],
      bucketing: { hash: 'murmur3', by: 'targetingKey', salt: 'chat-model-v1', groupId: 'chat-model-v1' },
    });
    expect(set.flags.get('system-prompt')?.definition.split).toEqual({ a: 33, b: 33, c: 34 });
    expect(set.flags.get('temperature')?.definition.bucketing).toEqual({ hash: 'murmur3', by: 'targetingKey', salt: 'temperature', groupId: 'temperature' });
    expect(set.segments.get('beta-testers')?.conditions).toHaveLength(2);
    expect(set.killSwitches.get('web_search_enabled')).toMatchObject({ description: 'Web search tool', retryAfter: 60, enabled: true });
  });

  it('gives the same set for the same file written as JSON', () => {
    const json = JSON.stringify(parseYaml(VALID_FLAGS_YAML), null, 2);
    const fromJson = parseFlags(json, 'flags.json');
    expect([...fromJson.flags.values()].map((f) => f.definition)).toEqual([...set.flags.values()].map((f) => f.definition));
    for (let i = 0; i < 50; i++) {
      const ctx = { targetingKey: `u${i}` };
      expect(evaluate(fromJson, 'system-prompt', ctx).variant).toBe(evaluate(set, 'system-prompt', ctx).variant);
    }
  });

  it('rejects duplicate keys in JSON too', () => {
    expect(() => parseFlags('{"flags":{"a":{"enabled":true},"a":{"enabled":false}}}', 'flags.json')).toThrow(/flag 'a'.*duplicate key/);
  });

  it('accepts bytes, a UTF-8 BOM and non-ASCII text', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('flags:\n  f: { enabled: true, description: "Modèle 🚀" }\n')]);
    expect(parseFlags(bytes, 'flags.yaml').flags.get('f')?.description).toBe('Modèle 🚀');
  });

  it('accepts a file with only kill switches or only segments', () => {
    expect(parseFlags('killSwitches:\n  k: {}\n', 'k.yaml').killSwitches.get('k')?.retryAfter).toBe(300);
    expect(parseFlags('segments:\n  s: { conditions: [] }\n', 's.yaml').flags.size).toBe(0);
  });

  it('accepts a numeric version and keeps it as a string', () => {
    expect(parseFlags('version: 3\nflags: {}\n', 'v.yaml').version).toBe('3');
  });

  it('allows percentages with 0.001 % resolution', () => {
    const s = parseFlags('flags:\n  f: { enabled: true, percentage: 0.005 }\n  g: { enabled: true, percentage: 99.999 }\n', 'p.yaml');
    expect(s.flags.get('f')?.definition.rollout?.percentage).toBe(0.005);
  });

  it('reports the FlagConfigError fields', () => {
    try {
      parseFlags('flags:\n  f: { enabled: true, percentage: 140 }\n', 'dir/flags.yaml');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(FlagConfigError);
      expect(err).toBeInstanceOf(Error);
      expect(err).toMatchObject({ name: 'FlagConfigError', code: 'PARSE_ERROR', file: 'dir/flags.yaml', flag: 'f', field: 'percentage' });
    }
  });
});

describe('validateFlags', () => {
  it('does not freeze or keep the caller object', () => {
    const input = { flags: { f: { variants: { a: { model: 'x' }, b: { model: 'y' } }, defaultVariant: 'a' } } };
    const set = validateFlags(input, 'inline');
    expect(Object.isFrozen(input.flags.f.variants.a)).toBe(false);
    input.flags.f.variants.a.model = 'changed';
    expect(evaluate(set, 'f', {}).value).toEqual({ model: 'x' });
  });

  it('defaults the id to the source base name', () => {
    expect(validateFlags({ flags: {} }, '/etc/aiflags/prod.flags.json').id).toBe('prod.flags');
  });
});

describe('a FlagSet is immutable', () => {
  const set = parseFlags(VALID_FLAGS_YAML, 'flags.yaml');
  it.each([
    ['set', () => ((set as unknown as { id: string }).id = 'x')],
    ['flags map', () => (set.flags as Map<string, unknown>).set('x', {})],
    ['flags map delete', () => (set.flags as Map<string, unknown>).delete('chat-model')],
    ['flag', () => ((set.flags.get('chat-model') as unknown as { type: string }).type = 'string')],
    ['definition', () => ((set.flags.get('chat-model')?.definition as unknown as { enabled: boolean }).enabled = false)],
    ['variant value', () => ((set.flags.get('chat-model')?.definition.variants.control as Record<string, unknown>).model = 'x')],
    ['rollout', () => ((set.flags.get('chat-model')?.definition.rollout as { percentage: number }).percentage = 100)],
  ])('%s', (_name, mutate) => {
    expect(mutate).toThrow(TypeError);
  });
});
