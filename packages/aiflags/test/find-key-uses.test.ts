import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { parseFlags } from '@aiflags/core';
import { checkKeys } from '../src/check/check-keys.js';
import { scanSource, type KeyScan } from '../src/check/find-key-uses.js';

function scan(file: string, text: string): KeyScan {
  const out: KeyScan = { files: 1, uses: [], dynamic: [] };
  scanSource(ts, file, text, out);
  return out;
}

describe('finding the keys code uses', () => {
  it.each([
    ['a method call', "await flags.guard('a', ctx)", 'a', 'guard'],
    ['optional chaining', "await this.flags?.model('m', ctx, fb)", 'm', 'model'],
    ['a template literal without substitutions', 'await flags.prompt(`p`, ctx, "x")', 'p', 'prompt'],
    ['an OpenFeature client call', "await client.getNumberDetails('n', 1, ctx)", 'n', 'getNumberDetails'],
    ['a destructured helper', "const { variant } = flags; await variant('v', ctx, 1)", 'v', 'variant'],
  ])('%s', (_name, code, key, call) => {
    expect(scan('a.ts', code).uses).toMatchObject([{ key, call, file: 'a.ts', line: 1 }]);
  });

  it('reads JSX and TSX, and gives 1-based line and column', () => {
    expect(scan('a.tsx', "const x = <div/>;\n  flags.guard('s');").uses).toMatchObject([{ key: 's', line: 2, column: 15 }]);
    expect(scan('a.jsx', "const x = <div/>; flags.guard('s');").uses).toHaveLength(1);
  });

  it("leaves out literals that are no key (window.prompt('Your name?')) and counts computed keys of method calls", () => {
    const s = scan('a.js', "window.prompt('Your name?'); flags.model(key, ctx, fb); model(key); flags.variant(`v-$" + '{n}`, ctx, 1)');
    expect(s.uses).toEqual([]);
    expect(s.dynamic.map((d) => d.call)).toEqual(['model', 'variant']);
  });
});

describe('checking them against a flag file', () => {
  const set = parseFlags(
    'flags:\n  chat-model: { variants: { a: { model: x } }, defaultVariant: a }\n  beta: { enabled: true }\nkillSwitches:\n  ai_agent_enabled: {}\n',
    'flags.yaml',
  );

  it('accepts a switch or a boolean flag for guard, and matching types', () => {
    const s = scan('a.ts', "flags.guard('ai_agent_enabled'); flags.guard('beta'); flags.model('chat-model'); client.getBooleanValue('ai_agent_enabled', true)");
    expect(checkKeys(set, s)).toEqual({ problems: [], stale: [], keysUsed: 3 });
  });

  it('reports a missing key with did you mean, a wrong type, and the keys nothing reads', () => {
    const result = checkKeys(set, scan('a.ts', "flags.model('chat-modle'); flags.prompt('chat-model'); flags.guard('chat-model')"));
    expect(result.problems.map((p) => [p.problem, p.didYouMean])).toEqual([
      ['missing', 'chat-model'],
      ['wrong-type', undefined],
      ['wrong-type', undefined],
    ]);
    expect(result.problems[2]!.message).toBe(
      "a.ts:1:68: guard('chat-model'): 'chat-model' is a flag with object values in flags.yaml; guard() reads boolean values",
    );
    expect(result.stale).toEqual(['beta', 'ai_agent_enabled']);
  });
});
