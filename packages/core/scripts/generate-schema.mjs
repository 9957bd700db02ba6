// Writes flags.schema.json from the zod schema in the built package (run after tsc by `npm run build`).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { FlagFileSchema } from '../dist/flags/schema.js';

const schema = z.toJSONSchema(FlagFileSchema, { io: 'input', target: 'draft-2020-12' });
const out = {
  ...schema,
  $id: 'https://aiflags.dev/flags.schema.json',
  title: 'aiflags flag file',
  description: 'Flags, segments and kill switches for aiflags (YAML or JSON).',
};
const target = fileURLToPath(new URL('../flags.schema.json', import.meta.url));
writeFileSync(target, `${JSON.stringify(out, null, 2)}\n`);
console.log(`wrote ${target}`);
