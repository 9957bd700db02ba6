/** The flag file and users the Unleash parity tests share: every path Unleash can express exactly. */
import type { EvaluationContext } from '@openfeature/server-sdk';

export const FLAGS = `
id: unleash-parity
version: "2026-11-25"
segments:
  staff:
    conditions: [{ attribute: email, op: ends_with, values: ["@acme.com"] }]
flags:
  new_system_prompt: { enabled: true, percentage: 10, bucketing: { hash: unleash } }
  system-prompt:
    changeType: system-prompt
    variants:
      a: { text: "You are helpful, {{name}}.", temperature: 0.2 }
      b: { text: "You are concise, {{name}}.", temperature: 0.5 }
      c: { text: "You are a senior engineer.", temperature: 0.7 }
    defaultVariant: a
    split: { a: 33.3, b: 33.3, c: 33.4 }
    bucketing: { hash: unleash }
  chat-model:
    changeType: model-swap
    variants:
      control: { model: gpt-4o, provider: openai, temperature: 0.7 }
      treatment: { model: claude-sonnet-4, provider: anthropic, temperature: 0.7 }
    defaultVariant: control
    rules:
      - { name: staff-first, segment: staff, variant: treatment }
      - name: big-paying-accounts
        conditions:
          - { attribute: plan, op: in, values: [pro, enterprise] }
          - { attribute: seats, op: gte, values: [50] }
          - { attribute: country, op: starts_with, values: [U] }
        rollout: { variant: treatment, percentage: 50 }
      - name: new-app
        conditions: [{ attribute: appVersion, op: semver_gt, values: ["2.0.0"] }]
        split: { control: 25, treatment: 75 }
    rollout: { variant: treatment, percentage: 10 }
    bucketing: { hash: unleash }
  tone:
    changeType: system-prompt
    variants: { formal: "Dear {{name}}, how can I help?", casual: "Hey {{name}}!" }
    defaultVariant: formal
    rules: [{ conditions: [{ attribute: account.tier, op: lt, values: [3] }], variant: casual }]
  temperature:
    changeType: parameter
    variants: { low: 0.2, mid: 0.5, high: 0.9 }
    defaultVariant: low
    split: { low: 50, mid: 25, high: 25 }   # not in name order: the server sorts them, and so does unleash mode
    bucketing: { hash: unleash, groupId: temperature-v2 }
killSwitches:
  ai_agent_enabled: {}
  web_search_enabled: { enabled: false }
`;

const PLANS = ['free', 'pro', 'enterprise'];
const COUNTRIES = ['US', 'UK', 'FR', 'DE'];
const VERSIONS = ['1.9.0', '2.0.0', '2.1.3'];
/** A deterministic user: ~10 % staff, three plans, 0-119 seats, four countries, three app versions, five tiers. */
export const user = (i: number): EvaluationContext => ({
  targetingKey: `user-${i}`,
  email: i % 10 === 0 ? `u${i}@acme.com` : `u${i}@example.com`,
  plan: PLANS[i % 3] as string,
  seats: (i * 37) % 120,
  country: COUNTRIES[(i >> 2) % 4] as string,
  appVersion: VERSIONS[(i >> 4) % 3] as string,
  account: { tier: i % 5 },
});
