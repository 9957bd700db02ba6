/**
 * The model-config schema: what an object variant of a `changeType: model-swap` flag, or of any flag marked
 * `kind: model-config`, must look like. `model` is required; the usual generation parameters are accepted
 * under both their camelCase and snake_case names; anything else goes under `params`. An unknown key is
 * rejected with the closest known one ("did you mean 'model'?"), so `{ modle: claude-sonnet-4 }` fails
 * validation instead of sending the treatment's users to the caller's fallback model at run time.
 */
import { z } from 'zod';
import { closestKey } from './closest-key.js';
import { describeValue, type ConfigPath } from './config-path.js';
import type { FlagKind } from './flag-kind.js';

const nonNegativeInt = z.number().int({ error: 'expected a whole number' }).min(0, { error: 'expected a number >= 0' });
const json = z.json();
/** A number from `min` to `max`, with one message for a wrong type and a value out of range. */
const between = (min: number, max: number) => {
  const error = `expected a number from ${min} to ${max}`;
  return z.number({ error }).min(min, { error }).max(max, { error });
};

/** One model configuration, as a variant value. Parameter ranges are the providers' common ones. */
export const ModelConfigSchema = z.strictObject({
  model: z.string({ error: 'expected the model name as a string' }).min(1, { error: 'expected a non-empty model name' }),
  provider: z.string({ error: 'expected the provider name as a string' }).optional(),
  temperature: between(0, 2).optional(),
  maxTokens: nonNegativeInt.optional(),
  max_tokens: nonNegativeInt.optional(),
  maxOutputTokens: nonNegativeInt.optional(),
  max_output_tokens: nonNegativeInt.optional(),
  topP: between(0, 1).optional(),
  top_p: between(0, 1).optional(),
  topK: nonNegativeInt.optional(),
  top_k: nonNegativeInt.optional(),
  frequencyPenalty: z.number().optional(),
  frequency_penalty: z.number().optional(),
  presencePenalty: z.number().optional(),
  presence_penalty: z.number().optional(),
  stop: z.union([z.string(), z.array(z.string())], { error: 'expected a string or a list of strings' }).optional(),
  seed: z.number().int({ error: 'expected a whole number' }).optional(),
  reasoningEffort: z.string().optional(),
  reasoning_effort: z.string().optional(),
  responseFormat: json.optional(),
  response_format: json.optional(),
  tools: z.array(json, { error: 'expected a list' }).optional(),
  toolChoice: json.optional(),
  tool_choice: json.optional(),
  /** Anything provider-specific: passed through unchecked. */
  params: z.record(z.string(), json, { error: 'expected a mapping of provider-specific parameters' }).optional(),
});

export type ModelConfigInput = z.infer<typeof ModelConfigSchema>;

/** The keys a model config accepts, in the schema's order. */
export const MODEL_CONFIG_KEYS: readonly string[] = Object.keys(ModelConfigSchema.shape);
const KNOWN: ReadonlySet<string> = new Set(MODEL_CONFIG_KEYS);

/** Whether a flag's variants are model configs: `kind: model-config`, or object variants of a model swap. */
export function isModelConfigFlag(flag: { kind?: FlagKind; changeType?: string }, type: string): boolean {
  return flag.kind === 'model-config' || (flag.changeType === 'model-swap' && type === 'object');
}

/**
 * Checks every variant of a model-config flag; calls `fail` with the path and message of the first
 * problem (it throws). `path(variant, ...field)` gives the variant's path in the file.
 */
export function checkModelConfigVariants(
  variants: Readonly<Record<string, unknown>>,
  path: (variant: string, ...field: PropertyKey[]) => ConfigPath,
  fail: (path: ConfigPath, message: string) => never,
): void {
  for (const [variant, value] of Object.entries(variants)) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      fail(path(variant), `expected a model config (a mapping with a 'model'), got ${describeValue(value)}`);
    }
    // Unknown keys first: `{ modle: x }` is a typo of 'model', which a "missing 'model'" message would hide.
    const unknown = Object.keys(value).find((k) => !KNOWN.has(k));
    if (unknown !== undefined) {
      const hint = closestKey(unknown, MODEL_CONFIG_KEYS);
      const help = hint !== undefined ? `did you mean '${hint}'?` : `known keys: ${MODEL_CONFIG_KEYS.join(', ')}`;
      fail(path(variant, unknown), `unknown model-config key '${unknown}'; ${help} (provider-specific settings go under 'params')`);
    }
    const parsed = ModelConfigSchema.safeParse(value);
    if (parsed.success) continue;
    const issue = parsed.error.issues[0]!;
    const field = issue.path;
    const got = describeValue(field.reduce<unknown>((v, k) => (v as Record<PropertyKey, unknown> | undefined)?.[k], value));
    if (issue.code === 'invalid_type' && got === 'nothing') fail(path(variant, ...field), `a model config needs '${String(field[0])}' (the model name)`);
    const message = issue.message.startsWith('expected') ? issue.message : `expected ${issue.message}`;
    fail(path(variant, ...field), `${message}, got ${got}`);
  }
}
