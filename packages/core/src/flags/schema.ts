/**
 * The flag file schema (zod 4). One schema gives the TypeScript types (z.infer), the runtime validation
 * and the JSON Schema shipped as flags.schema.json. Cross-field checks (a default variant that exists,
 * weights summing to 100, regex safety…) live in compile-flag-set.ts, which reports them with the same
 * file/flag/field message.
 */
import { z } from 'zod';
import { FlagKindSchema } from './flag-kind.js';

/** Flag, segment, variant and switch keys. */
export const KEY_PATTERN = /^[A-Za-z0-9_.-]+$/;

/** Keys that would reach Object.prototype when copied into a plain object; rejected everywhere. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export const CHANGE_TYPES = ['model-swap', 'system-prompt', 'new-tool', 'parameter', 'agent-workflow'] as const;
export const HASH_MODES = ['murmur3', 'md5', 'launchdarkly', 'unleash', 'flagd', 'flagsmith'] as const;
export const OPERATORS = [
  'in',
  'not_in',
  'equals',
  'not_equals',
  'starts_with',
  'ends_with',
  'contains',
  'not_contains',
  'lt',
  'lte',
  'gt',
  'gte',
  'semver_eq',
  'semver_lt',
  'semver_lte',
  'semver_gt',
  'semver_gte',
  'before',
  'after',
  'matches',
] as const;

const keyMessage = "expected a key of letters, digits, '_', '.' or '-'";
export const KeySchema = z.string().regex(KEY_PATTERN, { error: keyMessage });

const percentMessage = 'expected a number from 0 to 100';
/** Percent, 0-100 (not a fraction). Resolution 0.001 % is checked in compile-flag-set.ts. */
export const PercentSchema = z
  .number({ error: percentMessage })
  .min(0, { error: percentMessage })
  .max(100, { error: percentMessage })
  .describe('percent, 0-100, resolution 0.001');

export const ChangeTypeSchema = z.enum(CHANGE_TYPES);
export const HashModeSchema = z.enum(HASH_MODES);
export const OperatorSchema = z.enum(OPERATORS);

/** A variant value: boolean, string, number, or a JSON object (arrays allowed as object-typed JSON). */
export const VariantValueSchema = z.union([z.boolean(), z.string(), z.number(), z.record(z.string(), z.json()), z.array(z.json())]);

export const ConditionSchema = z.strictObject({
  /** Context attribute; a dot path reads a nested attribute (`account.plan`). */
  attribute: z.string().min(1, { error: 'expected a non-empty attribute name' }),
  op: OperatorSchema,
  values: z.array(z.union([z.string(), z.number(), z.boolean()])).min(1, { error: 'expected at least one value' }),
  /** Negates the condition (`in` becomes `not_in`), as Unleash's `inverted` does. */
  inverted: z.boolean().optional().describe('negates the condition: in becomes not_in (unleash mode: a missing attribute then matches)'),
  /** String operators and `matches` only: compare lowercased, as Unleash's `caseInsensitive` does. */
  caseInsensitive: z.boolean().optional().describe('starts_with, ends_with, contains, not_contains and matches only: ignore letter case'),
});

export const SegmentSchema = z.strictObject({
  description: z.string().optional(),
  /** All must match (AND). */
  conditions: z.array(ConditionSchema),
});

export const BucketingSchema = z.strictObject({
  hash: HashModeSchema.optional().describe(
    'murmur3 (default) | md5 | launchdarkly | unleash (splits are bucketed in variant-name order, as unleash-server stores them) | flagd (fractional: murmur3 of <salt><unit>) | flagsmith (md5 of <seed>,<salt>_<unit>: salt is the environment key, seed the segment or feature-state id)',
  ),
  /** Context attribute used as the bucketing unit (dot path allowed). Default: targetingKey. */
  by: z.string().min(1).optional(),
  /** Default: the flag key. flagd mode: the seed hashed before the unit (flagd's `$flagd.flagKey`). */
  salt: z.string().optional(),
  /** launchdarkly mode: hashes `<seed>.<unit>` instead of `<key>.<salt>.<unit>`. flagsmith mode: the segment / feature-state id hashed (default: from the flag key). */
  seed: z.number().int().optional(),
  /** unleash mode only. Default: salt, else the flag key. */
  groupId: z.string().optional(),
});

export const RolloutSchema = z.strictObject({
  variant: KeySchema,
  percentage: PercentSchema,
});

const weightMessage = 'expected a number from 0';
/** A split's weight: a percent, or in bucketing mode flagd a relative weight (flagd's integer weights, any total). */
export const WeightSchema = z
  .number({ error: weightMessage })
  .min(0, { error: weightMessage })
  .describe('percent, resolution 0.001; in bucketing mode flagd a relative weight');

/** Weights by variant key, summing to 100 (any positive total in flagd mode); bucket order is the order written. */
export const SplitSchema = z.record(KeySchema, WeightSchema);

export const RuleSchema = z.strictObject({
  name: z.string().optional(),
  segment: KeySchema.optional(),
  conditions: z.array(ConditionSchema).optional(),
  variant: KeySchema.optional(),
  rollout: RolloutSchema.optional(),
  split: SplitSchema.optional(),
});

/** Extra flag metadata put on every result (flagd's `metadata`): string, number or boolean values. */
export const MetadataSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));
/** How a named score is read: which way is better, and whether a significant regression rolls the flag back. */
export const MetricSpecSchema = z.strictObject({
  direction: z.enum(['higher', 'lower']).optional().describe('which way is better; default higher'),
  guardrail: z
    .boolean()
    .optional()
    .describe('true: a significant regression rolls back, and promotion needs it not significantly worse; default false (reported only)'),
});

/** Named scores by name (as recorded in `tracker.record({ scores })` or by a judge). */
export const MetricsSchema = z.record(KeySchema, MetricSpecSchema).describe('named scores: name -> { direction, guardrail }');

const rateMessage = 'expected a fraction from 0 to 1';
/** A judge registered in code (`aiFlags(client, { judges })`), run on a sample of this flag's responses. */
export const JudgeSpecSchema = z.strictObject({
  rate: z
    .number({ error: rateMessage })
    .min(0, { error: rateMessage })
    .max(1, { error: rateMessage })
    .describe('fraction of responses judged, 0-1 (0.1 = 10 %); the same response id is always in or out'),
});

export const JudgesSchema = z.record(KeySchema, JudgeSpecSchema).describe('judges by the name they are registered under in code -> { rate }');

/** Shadow traffic: on a sample of live requests the candidate variant runs too, in the background, never served. */
export const ShadowSpecSchema = z.strictObject({
  variant: KeySchema.describe('the candidate variant run beside the served one'),
  rate: z
    .number({ error: rateMessage })
    .min(0, { error: rateMessage })
    .max(1, { error: rateMessage })
    .describe('fraction of requests shadowed, 0-1 (0.1 = 10 %); the same request id is always in or out'),
  killSwitch: KeySchema.optional().describe('a kill switch (killSwitches.<name>) that stops shadow runs when off'),
});

const priceMessage = 'expected a price ≥ 0 in USD per million tokens';
const PriceSchema = z.number({ error: priceMessage }).min(0, { error: priceMessage });

/** Token prices of one variant, USD per million tokens; cost is computed from them only when the provider reports none. */
export const TokenPricesSchema = z.strictObject({
  input: PriceSchema.describe('USD per million input tokens'),
  output: PriceSchema.describe('USD per million output tokens'),
  cachedInput: PriceSchema.optional().describe('USD per million cached input tokens; default: the input price'),
});

export const PricesSchema = z
  .record(KeySchema, TokenPricesSchema)
  .describe('variant -> token prices (USD per million tokens), for a cost per request when the provider reports tokens but no cost');

const flagMeta = {
  description: z.string().optional(),
  metadata: MetadataSchema.optional().describe('added to flagMetadata of every result of this flag'),
  owner: z.string().optional(),
  changeType: ChangeTypeSchema.optional(),
  kind: FlagKindSchema.optional(),
  bucketing: BucketingSchema.optional(),
  metrics: MetricsSchema.optional(),
  judges: JudgesSchema.optional(),
  prices: PricesSchema.optional(),
  shadow: ShadowSpecSchema.optional(),
};

/** The full form of a flag. */
export const FullFlagSchema = z.strictObject({
  ...flagMeta,
  enabled: z.boolean().optional().describe('default true; false serves offVariant with reason DISABLED'),
  variants: z.record(KeySchema, VariantValueSchema).describe('variant key -> value; all values of one type: boolean, string, number or JSON object'),
  defaultVariant: KeySchema.describe('served when no rule matches and to units outside the rollout'),
  offVariant: KeySchema.optional().describe('served when the flag is disabled; default: defaultVariant'),
  rollout: RolloutSchema.optional().describe('one variant to a percentage of units; the rest get defaultVariant'),
  split: SplitSchema.optional().describe('percent weights by variant, summing to 100; in bucketing mode flagd relative weights, any total'),
  rules: z.array(RuleSchema).optional().describe('ordered targeting rules, first match wins, before rollout/split'),
});

/** `{ enabled: true, percentage: 10 }`: a boolean flag, variants on/off, `on` rolled out to `percentage`. */
export const ShorthandFlagSchema = z.strictObject({
  ...flagMeta,
  enabled: z.boolean().optional(),
  percentage: PercentSchema.optional().describe('percent of units served true; default 100'),
});

export const FlagSchema = z.union([FullFlagSchema, ShorthandFlagSchema]);

/** The largest `retryAfter`, in seconds: the largest integer a number holds exactly (what `.int()` allows). */
export const MAX_RETRY_AFTER_S = Number.MAX_SAFE_INTEGER;

/** Seconds a refused caller should wait: a whole number from 0 to MAX_RETRY_AFTER_S. The CLI's `--retry-after` uses it too. */
export const RetryAfterSchema = z.number().int().min(0).max(MAX_RETRY_AFTER_S);

export const KillSwitchSchema = z.strictObject({
  description: z.string().optional(),
  owner: z.string().optional(),
  /** Seconds a refused caller should wait. Default 300. */
  retryAfter: RetryAfterSchema.optional().describe('seconds a refused caller should wait; default 300'),
  /** Default true (the feature is on). */
  enabled: z.boolean().optional(),
});

export const FlagFileSchema = z.strictObject({
  $schema: z.string().optional(),
  id: z.string().min(1).optional().describe('flag-set id (flagMetadata.flagSetId); default: file base name'),
  version: z.union([z.string(), z.number()]).optional().describe('flag-set version (flagMetadata.flagSetVersion); default: content hash'),
  segments: z.record(KeySchema, SegmentSchema).optional().describe('reusable sets of conditions (AND)'),
  flags: z.record(KeySchema, FlagSchema).optional(),
  killSwitches: z.record(KeySchema, KillSwitchSchema).optional().describe('boolean switches, on by default, turned off at run time with `aiflags kill`'),
  metadata: MetadataSchema.optional().describe('flag-set metadata added to flagMetadata of every result'),
  changeTypes: z
    .partialRecord(ChangeTypeSchema, z.strictObject({ metrics: MetricsSchema.optional() }))
    .optional()
    .describe("named scores every flag of a change type gets; a flag's own `metrics` entry for the same name wins"),
});

export type ChangeType = z.infer<typeof ChangeTypeSchema>;
export type HashMode = z.infer<typeof HashModeSchema>;
export type Operator = z.infer<typeof OperatorSchema>;
export type ConditionInput = z.infer<typeof ConditionSchema>;
export type SegmentInput = z.infer<typeof SegmentSchema>;
export type BucketingInput = z.infer<typeof BucketingSchema>;
export type RolloutInput = z.infer<typeof RolloutSchema>;
export type SplitInput = z.infer<typeof SplitSchema>;
export type RuleInput = z.infer<typeof RuleSchema>;
export type FullFlagInput = z.infer<typeof FullFlagSchema>;
export type ShorthandFlagInput = z.infer<typeof ShorthandFlagSchema>;
export type FlagInput = z.infer<typeof FlagSchema>;
export type KillSwitchInput = z.infer<typeof KillSwitchSchema>;
export type MetricSpecInput = z.infer<typeof MetricSpecSchema>;
export type JudgeSpecInput = z.infer<typeof JudgeSpecSchema>;
export type TokenPricesInput = z.infer<typeof TokenPricesSchema>;
/** A flag file as written (after schema validation, before compilation). */
export type FlagFile = z.infer<typeof FlagFileSchema>;
