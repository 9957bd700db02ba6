import { describe, expect, it } from 'vitest';
import { parseFlags, validateFlags } from '../src/index.js';

const variants = { control: 'a', treatment: 'b' };

describe('named metrics and judges in the flag file', () => {
  it("merges the change type's metrics with the flag's own (the flag's win) and fills defaults", () => {
    const set = validateFlags(
      {
        changeTypes: { 'system-prompt': { metrics: { toxicity: { direction: 'lower', guardrail: true }, helpfulness: {} } } },
        flags: {
          prompt: { changeType: 'system-prompt', variants, defaultVariant: 'control', metrics: { helpfulness: { guardrail: true } } },
          other: { variants, defaultVariant: 'control' },
        },
      },
      'inline',
    );
    expect(set.flags.get('prompt')!.definition.metrics).toEqual({
      toxicity: { direction: 'lower', guardrail: true },
      helpfulness: { direction: 'higher', guardrail: true },
    });
    expect(set.flags.get('other')!.definition.metrics).toBeUndefined();
    expect(set.flags.get('other')!.definition.judges).toBeUndefined();
  });

  it('keeps judges by name with their rate', () => {
    const set = validateFlags({ flags: { p: { variants, defaultVariant: 'control', judges: { helpfulness: { rate: 0.1 } } } } }, 'inline');
    expect(set.flags.get('p')!.definition.judges).toEqual({ helpfulness: { rate: 0.1 } });
  });

  it.each([
    ['a direction that is neither higher nor lower', 'metrics:\n      toxicity: { direction: down }', "field 'metrics.toxicity.direction'"],
    ['a rate above 1', 'judges:\n      helpfulness: { rate: 10 }', "field 'judges.helpfulness.rate': expected a fraction from 0 to 1"],
    ['an unknown metric field', 'metrics:\n      toxicity: { guard: true }', "field 'metrics.toxicity"],
  ])('rejects %s with file, flag and field', (_, extra, message) => {
    const text = `flags:\n  p:\n    variants: { control: a, treatment: b }\n    defaultVariant: control\n    ${extra}\n`;
    expect(() => parseFlags(text, 'flags.yaml')).toThrow(`flags.yaml: flag 'p', ${message}`);
  });
});
