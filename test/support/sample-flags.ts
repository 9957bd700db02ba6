/** A flag file with every kind of flag, used by the CLI tests. */
export const SAMPLE_FLAGS_YAML = `
id: cli-sample
segments:
  staff:
    conditions:
      - { attribute: email, op: ends_with, values: ["@acme.com"] }
flags:
  chat-model:
    changeType: model-swap
    variants:
      control:   { model: gpt-4o, provider: openai }
      treatment: { model: claude-sonnet-4, provider: anthropic }
    defaultVariant: control
    rollout: { variant: treatment, percentage: 10 }
    rules:
      - { name: staff, segment: staff, variant: treatment }
  system-prompt:
    variants: { a: "You are helpful.", b: "You are concise.", c: "You are a senior engineer." }
    defaultVariant: a
    split: { a: 33, b: 33, c: 34 }
  temperature:
    variants: { low: 0.2, high: 0.9 }
    defaultVariant: low
    rules:
      - { conditions: [ { attribute: age, op: gte, values: [40] } ], variant: high }
  new_system_prompt: { enabled: true, percentage: 10 }
killSwitches:
  ai_agent_enabled: {}
`;

/** A flag file with one model swap, `chat-model`, served to `percentage` % (extra lines go under the flag, indented 4). */
export function modelSwapYaml(percentage: number, extra: string[] = []): string {
  return [
    'flags:',
    '  chat-model:',
    '    changeType: model-swap',
    '    variants:',
    '      control: { model: gpt-4o, provider: openai }',
    '      treatment: { model: claude-sonnet-4, provider: anthropic }',
    '    defaultVariant: control',
    `    rollout: { variant: treatment, percentage: ${percentage} }`,
    ...extra.map((line) => `    ${line}`),
    '',
  ].join('\n');
}
