import { z } from 'zod';
import type { FlagOverride, KillSwitchState } from '@aiflags/core';

const isoTime = z.string().min(1);

export const killSwitchStateSchema = z.object({
  killed: z.boolean(),
  reason: z.string().optional(),
  actor: z.string().optional(),
  at: isoTime,
  retryAfter: z.number().nonnegative().optional(),
});

export const flagOverrideSchema = z.object({
  enabled: z.boolean().optional(),
  percentage: z.number().min(0).max(100).optional(),
  rolloutStep: z.number().int().nonnegative().optional(),
  stepStartedAt: isoTime.optional(),
  rolloutStatus: z.enum(['running', 'rolled-back', 'promoted', 'paused']).optional(),
  variant: z.string().min(1).optional(),
  droppedVariants: z.array(z.string().min(1)).optional(),
});

/** The first problem of a value against a schema, as `field: message`; undefined when valid. */
export function schemaProblem(schema: z.ZodType, value: unknown): string | undefined {
  const result = schema.safeParse(value);
  if (result.success) return undefined;
  const issue = result.error.issues[0];
  return `${issue && issue.path.length > 0 ? issue.path.join('.') : 'value'}: ${issue?.message ?? 'wrong shape'}`;
}

/** The result of reading one stored entry: the value, or why it was rejected. */
export type EntryRead<T> = { ok: true; value: T } | { ok: false; problem: string };

/** Parses and checks a stored kill switch (JSON text). */
export function readKillSwitch(text: string): EntryRead<KillSwitchState> {
  return readEntry(text, killSwitchStateSchema) as EntryRead<KillSwitchState>;
}

/** Parses and checks a stored flag override (JSON text). */
export function readFlagOverride(text: string): EntryRead<FlagOverride> {
  return readEntry(text, flagOverrideSchema) as EntryRead<FlagOverride>;
}

function readEntry(text: string, schema: z.ZodType): EntryRead<unknown> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, problem: `not JSON: ${JSON.stringify(text.slice(0, 60))}` };
  }
  const result = schema.safeParse(json);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, problem: schemaProblem(schema, json)! };
}
