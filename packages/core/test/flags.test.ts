import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { FlagFileSchema, OPERATORS, OPERATOR_DEFINITIONS } from '../src/index.js';
import { ModelConfigSchema } from '../src/flags/model-config.js';

const shipped = JSON.parse(readFileSync(new URL('../flags.schema.json', import.meta.url), 'utf8')) as Record<string, any>;

describe('flags.schema.json', () => {
  it('is generated from the zod schema (run `npm run build -w @aiflags/core` after changing it)', () => {
    const fresh = z.toJSONSchema(FlagFileSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, any>;
    const { $id: _id, title: _title, description: _description, ...generated } = structuredClone(shipped) as Record<string, any>;
    // What the generator adds for editors (the model-config check is a cross-field rule in the zod path).
    const { ModelConfig, ...defs } = generated.$defs;
    generated.$defs = defs;
    const full = generated.properties.flags.additionalProperties.anyOf.find((b: { properties?: object }) => b.properties && 'variants' in b.properties);
    expect(full.allOf).toHaveLength(2);
    delete full.allOf;
    expect(generated).toEqual(JSON.parse(JSON.stringify(fresh)));
    const { $schema: _s, ...modelConfig } = z.toJSONSchema(ModelConfigSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, any>;
    expect(ModelConfig).toEqual({ description: expect.any(String), ...JSON.parse(JSON.stringify(modelConfig)) });
  });

  it('lists every operator, hash mode and change type for editors', () => {
    const text = JSON.stringify(shipped);
    for (const op of OPERATORS) expect(text).toContain(`"${op}"`);
    for (const mode of ['murmur3', 'md5', 'launchdarkly', 'unleash', 'flagd', 'flagsmith']) expect(text).toContain(`"${mode}"`);
    for (const t of ['model-swap', 'system-prompt', 'new-tool', 'parameter', 'agent-workflow']) expect(text).toContain(`"${t}"`);
  });
});

describe('operator table', () => {
  it('has an implementation for every operator in the schema', () => {
    expect(Object.keys(OPERATOR_DEFINITIONS).sort()).toEqual([...OPERATORS].sort());
  });
});
