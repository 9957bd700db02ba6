import { afterEach, describe, expect, it } from 'vitest';
import { evaluate, parseFlags, type LiveState } from '../src/index.js';

const set = parseFlags(
  `
flags:
  staff-model:
    variants: { control: a, treatment: b }
    defaultVariant: control
    rules:
      - conditions: [{ attribute: email, op: ends_with, values: ["@acme.com"] }]
        variant: treatment
      - conditions: [{ attribute: account.plan, op: equals, values: [pro] }]
        variant: treatment
  rollout-flag: { enabled: true, percentage: 50 }
killSwitches:
  agent: {}
`,
  'flags.yaml',
);

const polluted: string[] = [];
function pollute(key: string, value: unknown): void {
  Object.defineProperty(Object.prototype, key, { value, configurable: true, writable: true, enumerable: false });
  polluted.push(key);
}
afterEach(() => {
  for (const key of polluted.splice(0)) delete (Object.prototype as Record<string, unknown>)[key];
});

describe('a polluted Object.prototype changes no result (own properties only)', () => {
  it('an inherited targetingKey is no unit: TARGETING_KEY_MISSING, as without pollution', () => {
    pollute('targetingKey', 'evil');
    const r = evaluate(set, 'rollout-flag', {});
    expect(r.errorCode).toBe('TARGETING_KEY_MISSING');
  });

  it('an inherited email or nested attribute matches no rule', () => {
    pollute('email', 'x@acme.com');
    pollute('plan', 'pro');
    expect(evaluate(set, 'staff-model', { targetingKey: 'u1' }).variant).toBe('control');
    expect(evaluate(set, 'staff-model', { targetingKey: 'u1', account: {} }).variant).toBe('control');
    expect(evaluate(set, 'staff-model', { targetingKey: 'u1', email: 'me@acme.com' }).variant).toBe('treatment');
  });

  it('an inherited enabled or percentage on an override, or killed on a switch entry, is ignored', () => {
    const live: LiveState = { version: 1, flags: { 'staff-model': {}, 'rollout-flag': {} }, killSwitches: { agent: { at: 'x' } as never } };
    pollute('enabled', false);
    pollute('percentage', 0);
    pollute('killed', true);
    expect(evaluate(set, 'staff-model', { targetingKey: 'u1' }, live).reason).not.toBe('DISABLED');
    const users = Array.from({ length: 200 }, (_, i) => `u${i}`);
    const served = users.filter((u) => evaluate(set, 'rollout-flag', { targetingKey: u }, live).value === true).length;
    expect(served).toBeGreaterThan(50); // 50 % rollout, not the inherited 0 %
    expect(evaluate(set, 'agent', {}, live).value).toBe(true);
  });
});
