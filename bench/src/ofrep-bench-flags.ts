/**
 * The flag file of the OFREP bench: `count` flags, a quarter of each type, each with the targeting a real
 * file has (rules on attributes, a segment, a percentage rollout or a split), plus one kill switch.
 */
export function ofrepBenchFlags(count: number): string {
  const lines = ['id: ofrep-bench', 'segments:', '  staff:', '    conditions:', '      - { attribute: email, op: ends_with, values: ["@acme.com"] }', 'flags:'];
  for (let i = 0; i < count; i++) lines.push(...flag(i));
  lines.push('killSwitches:', '  ai_agent_enabled: {}', '');
  return lines.join('\n');
}

function flag(i: number): string[] {
  switch (i % 4) {
    case 0:
      return [
        `  model-${i}:`,
        '    changeType: model-swap',
        '    variants:',
        '      control:   { model: gpt-4o, provider: openai }',
        '      treatment: { model: claude-sonnet-4, provider: anthropic }',
        '    defaultVariant: control',
        `    rollout: { variant: treatment, percentage: ${(i * 7) % 100} }`,
        '    rules:',
        '      - { name: staff, segment: staff, variant: treatment }',
      ];
    case 1:
      return [
        `  prompt-${i}:`,
        '    variants: { a: "You are helpful.", b: "You are concise.", c: "You are a senior engineer." }',
        '    defaultVariant: a',
        '    split: { a: 33, b: 33, c: 34 }',
      ];
    case 2:
      return [
        `  temperature-${i}:`,
        '    variants: { low: 0.2, high: 0.9 }',
        '    defaultVariant: low',
        '    rules:',
        `      - { conditions: [ { attribute: age, op: gte, values: [${i % 80}] } ], variant: high }`,
      ];
    default:
      return [`  enabled-${i}: { enabled: true, percentage: ${(i * 13) % 100} }`];
  }
}
