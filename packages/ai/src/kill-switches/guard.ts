import type { Client, EvaluationContext } from '@openfeature/server-sdk';
import { DEFAULT_RETRY_AFTER_S } from '@aiflags/core';
import { safeEvaluate } from '../selection/safe-evaluate.js';
import { FeatureDisabledError } from './feature-disabled-error.js';

/** What a refused caller gets back; `retryAfter` is in seconds. */
export interface GuardDenial {
  error: 'Feature temporarily disabled';
  retryAfter: number;
}

const EMPTY_CONTEXT: EvaluationContext = Object.freeze({}) as EvaluationContext;

/**
 * Evaluates a kill switch (a boolean flag, true = allowed). Returns null when allowed, a denial otherwise.
 *
 * A switch that cannot be evaluated (unknown key, provider not ready, backend down) counts as allowed:
 * the caller default is `true`, following LaunchDarkly's guidance to default kill switches to the value
 * that keeps the product working. A switch only stops traffic when something positively says `false`.
 */
export async function guardSwitch(
  client: Client,
  name: string,
  ctx: EvaluationContext | undefined,
  retryAfterDefault: number = DEFAULT_RETRY_AFTER_S,
): Promise<GuardDenial | null> {
  const context = ctx ?? EMPTY_CONTEXT;
  // An unreadable context counts like any other evaluation failure: allowed.
  const details = await safeEvaluate(name, true, context, () => client.getBooleanDetails(name, true, context));
  if (details.value !== false) return null;
  const fromBackend = details.flagMetadata?.['retryAfter'];
  const retryAfter = typeof fromBackend === 'number' && Number.isFinite(fromBackend) && fromBackend >= 0 ? fromBackend : retryAfterDefault;
  return { error: 'Feature temporarily disabled', retryAfter };
}

/** Like `guardSwitch`, but throws a `FeatureDisabledError` (carrying `retryAfter`, seconds) when the switch is off. */
export async function guardSwitchOrThrow(
  client: Client,
  name: string,
  ctx: EvaluationContext | undefined,
  retryAfterDefault: number = DEFAULT_RETRY_AFTER_S,
): Promise<void> {
  const denial = await guardSwitch(client, name, ctx, retryAfterDefault);
  if (denial) throw new FeatureDisabledError(name, denial.retryAfter);
}
