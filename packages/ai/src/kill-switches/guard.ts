import type { Client, EvaluationContext, Logger } from '@openfeature/server-sdk';
import { DEFAULT_RETRY_AFTER_S } from '@aiflags/core';
import { isMisuse, logMisuse } from '../misuse/misuse-log.js';
import { safeEvaluate, selectionError, type SelectionError } from '../selection/safe-evaluate.js';
import { FeatureDisabledError } from './feature-disabled-error.js';

/** What a refused caller gets back; `retryAfter` is in seconds. */
export interface GuardDenial {
  error: 'Feature temporarily disabled';
  retryAfter: number;
  /**
   * Set when the switch was refused because it could not be evaluated as a kill switch (strict mode: an
   * unknown key, or a flag that is not boolean). Not enumerable, so a denial returned as a response body
   * serializes as before, without the flag file's path and key names.
   */
  readonly cause?: SelectionError;
}

export interface GuardOptions {
  /**
   * Fail closed on misuse: an unknown switch (FLAG_NOT_FOUND) or a non-boolean flag (TYPE_MISMATCH) is
   * refused, with the problem in the denial's `cause`. Default false: such a switch counts as allowed (and
   * is logged once). Outages (provider not ready, backend down) count as allowed either way.
   */
  strict?: boolean;
  /** Seconds a refused caller should wait when the backend does not say (default 300). */
  retryAfterDefault?: number;
  /** Where misuse is logged (default: the client's OpenFeature logger). */
  logger?: Logger;
}

const EMPTY_CONTEXT: EvaluationContext = Object.freeze({}) as EvaluationContext;

/**
 * Evaluates a kill switch (a boolean flag, true = allowed). Returns null when allowed, a denial otherwise.
 *
 * A switch that cannot be evaluated (unknown key, provider not ready, backend down) counts as allowed:
 * the caller default is `true`, following LaunchDarkly's guidance to default kill switches to the value
 * that keeps the product working. A switch only stops traffic when something positively says `false`.
 * An unknown key or a non-boolean flag is misuse: logged once per key and process, and refused when
 * `strict` is set.
 */
export async function guardSwitch(
  client: Client,
  name: string,
  ctx: EvaluationContext | undefined,
  /** Options, or (as before) the seconds a refused caller should wait when the backend does not say. */
  optionsOrRetryAfter: GuardOptions | number = {},
): Promise<GuardDenial | null> {
  const options = typeof optionsOrRetryAfter === 'number' ? { retryAfterDefault: optionsOrRetryAfter } : optionsOrRetryAfter;
  const context = ctx ?? EMPTY_CONTEXT;
  const retryAfterDefault = options.retryAfterDefault ?? DEFAULT_RETRY_AFTER_S;
  // An unreadable context counts like any other evaluation failure: allowed.
  const details = await safeEvaluate(name, true, context, () => client.getBooleanDetails(name, true, context));
  if (details.errorCode !== undefined) {
    const error = selectionError(details);
    if (isMisuse(error)) {
      const strict = options.strict === true;
      logMisuse(client, options.logger, 'guard', name, error, strict ? 'refused (strict)' : 'counted as allowed; strict: true refuses it');
      if (strict) return denial(retryAfterDefault, error);
    }
    return null;
  }
  if (details.value !== false) return null;
  const fromBackend = details.flagMetadata?.['retryAfter'];
  const retryAfter = typeof fromBackend === 'number' && Number.isFinite(fromBackend) && fromBackend >= 0 ? fromBackend : retryAfterDefault;
  return denial(retryAfter);
}

/** Like `guardSwitch`, but throws a `FeatureDisabledError` (carrying `retryAfter`, seconds) when the switch refuses. */
export async function guardSwitchOrThrow(
  client: Client,
  name: string,
  ctx: EvaluationContext | undefined,
  optionsOrRetryAfter: GuardOptions | number = {},
): Promise<void> {
  const refused = await guardSwitch(client, name, ctx, optionsOrRetryAfter);
  if (refused) throw new FeatureDisabledError(name, refused.retryAfter);
}

function denial(retryAfter: number, cause?: SelectionError): GuardDenial {
  const out: GuardDenial = { error: 'Feature temporarily disabled', retryAfter };
  if (cause) Object.defineProperty(out, 'cause', { value: cause, enumerable: false });
  return out;
}
