import { z } from 'zod';
import type { FlagOverride, KillSwitchState, LiveState } from './types.js';

/**
 * The one validation of live state: what a store accepts from disk, the network or a caller. The file
 * store checks a whole `state.json` with `liveStateSchema`; the Redis store checks each hash entry with
 * the entry schemas.
 */
export const killSwitchStateSchema = z.object({
  killed: z.boolean(),
  reason: z.string().optional(),
  actor: z.string().optional(),
  at: z.string().min(1),
  retryAfter: z.number().nonnegative().optional(),
});

export const flagOverrideSchema = z.object({
  enabled: z.boolean().optional(),
  percentage: z.number().min(0).max(100).optional(),
  rolloutStep: z.number().int().nonnegative().optional(),
  stepStartedAt: z.string().min(1).optional(),
  rolloutStatus: z.enum(['running', 'rolled-back', 'promoted', 'paused']).optional(),
  variant: z.string().min(1).optional(),
  droppedVariants: z.array(z.string().min(1)).optional(),
  rolloutStage: z.enum(['replay', 'shadow']).optional(),
  skippedStages: z.array(z.enum(['replay', 'shadow'])).optional(),
});

export const liveStateSchema = z.object({
  version: z.number().int().nonnegative(),
  flags: z.record(z.string(), flagOverrideSchema),
  killSwitches: z.record(z.string(), killSwitchStateSchema),
});

/** The result of checking one value: the value as the type, or the first problem as `field: message`. */
export type LiveStateRead<T> = { ok: true; value: T } | { ok: false; problem: string };

function check<T>(schema: z.ZodType, value: unknown): LiveStateRead<T> {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data as T };
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'value';
  return { ok: false, problem: `${where}: ${issue?.message ?? 'wrong shape'}` };
}

/** Checks a whole live state (a parsed `state.json`). */
export const checkLiveState = (value: unknown): LiveStateRead<LiveState> => check(liveStateSchema, value);
/** Checks one kill switch entry. */
export const checkKillSwitch = (value: unknown): LiveStateRead<KillSwitchState> => check(killSwitchStateSchema, value);
/** Checks one flag override. */
export const checkFlagOverride = (value: unknown): LiveStateRead<FlagOverride> => check(flagOverrideSchema, value);

/** Parses JSON text and checks it with `checkEntry`; text that is not JSON is a problem, never a throw. */
export function readLiveStateJson<T>(text: string, checkEntry: (value: unknown) => LiveStateRead<T>): LiveStateRead<T> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, problem: `not JSON: ${JSON.stringify(text.slice(0, 60))}` };
  }
  return checkEntry(json);
}
