import { z } from 'zod';

/**
 * The values of a flag's `kind`: what its variants are beyond their JSON type. `model-config`: every
 * variant is a model configuration, checked against the model-config schema (model-config.ts).
 */
export const FLAG_KINDS = ['model-config'] as const;
export const FlagKindSchema = z
  .enum(FLAG_KINDS)
  .describe(
    "model-config: every variant is a model configuration ({ model, provider, temperature, maxTokens, topP, params, ... }), checked like a model-swap flag's object variants",
  );
export type FlagKind = z.infer<typeof FlagKindSchema>;
