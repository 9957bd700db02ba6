// Writes flags.schema.json from the zod schema in the built package (run after tsc by `npm run build`).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { FlagFileSchema } from '../dist/flags/schema.js';
import { ModelConfigSchema } from '../dist/flags/model-config.js';

const schema = z.toJSONSchema(FlagFileSchema, { io: 'input', target: 'draft-2020-12' });
const { $schema: _, ...modelConfig } = z.toJSONSchema(ModelConfigSchema, { io: 'input', target: 'draft-2020-12' });

// The model-config check is a cross-field rule in compile-flag-set.ts; editors get it as if/then on the full form.
const fullForm = schema.properties.flags.additionalProperties.anyOf.find((branch) => branch.properties?.variants);
if (!fullForm) throw new Error('generate-schema: the full flag form (with variants) was not found');
const variantsOf = (value) => ({ properties: { variants: { additionalProperties: value } } });
fullForm.allOf = [
  { if: { properties: { kind: { const: 'model-config' } }, required: ['kind'] }, then: variantsOf({ $ref: '#/$defs/ModelConfig' }) },
  {
    if: { properties: { changeType: { const: 'model-swap' } }, required: ['changeType'] },
    then: variantsOf({ anyOf: [{ not: { type: 'object' } }, { $ref: '#/$defs/ModelConfig' }] }),
  },
];
const out = {
  ...schema,
  $defs: { ...schema.$defs, ModelConfig: { description: 'a model configuration: `model` required, unknown keys rejected', ...modelConfig } },
  $id: 'https://aiflags.dev/flags.schema.json',
  title: 'aiflags flag file',
  description: 'Flags, segments and kill switches for aiflags (YAML or JSON).',
};
const target = fileURLToPath(new URL('../flags.schema.json', import.meta.url));
writeFileSync(target, `${JSON.stringify(out, null, 2)}\n`);
console.log(`wrote ${target}`);
