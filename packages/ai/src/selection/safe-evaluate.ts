import { ErrorCode, StandardResolutionReasons, type EvaluationContext, type EvaluationDetails, type FlagValue } from '@openfeature/server-sdk';

/** The error a selection carries when its flag could not be evaluated; `code` is an OpenFeature error code. */
export interface SelectionError {
  code: string;
  message: string;
}

/**
 * Runs one OpenFeature evaluation and never rejects. The server SDK merges the contexts before its own
 * try block, so a context with a throwing getter or a Proxy makes `get*Details` throw; the helpers'
 * contract is a selection (or null from guard), so that becomes the caller's fallback with an error code.
 */
export async function safeEvaluate<T extends FlagValue>(
  flagKey: string,
  fallback: T,
  ctx: EvaluationContext | undefined,
  run: () => Promise<EvaluationDetails<T>>,
): Promise<EvaluationDetails<T>> {
  try {
    return await run();
  } catch (error) {
    const unreadable = !contextIsReadable(ctx);
    return {
      flagKey,
      value: fallback,
      reason: StandardResolutionReasons.ERROR,
      errorCode: unreadable ? ErrorCode.INVALID_CONTEXT : ErrorCode.GENERAL,
      errorMessage: unreadable ? `the evaluation context cannot be read: ${describe(error)}` : describe(error),
      flagMetadata: {},
    };
  }
}

/** The selection's error, when the evaluation reported one. */
export function selectionError(details: EvaluationDetails<FlagValue>): SelectionError | undefined {
  if (details.errorCode === undefined) return undefined;
  return { code: details.errorCode, message: details.errorMessage ?? details.errorCode };
}

/** The context's targeting key, or undefined when it has none or reading it throws. */
export function targetingKeyOf(ctx: EvaluationContext | undefined): string | undefined {
  try {
    const key = ctx !== undefined && Object.hasOwn(ctx, 'targetingKey') ? ctx.targetingKey : undefined;
    return typeof key === 'string' ? key : undefined;
  } catch {
    return undefined;
  }
}

function contextIsReadable(ctx: EvaluationContext | undefined): boolean {
  try {
    void { ...ctx };
    return true;
  } catch {
    return false;
  }
}

/** One line from whatever was thrown; the thrown value may itself be a hostile object. */
function describe(error: unknown): string {
  try {
    const text = error instanceof Error ? error.message : String(error);
    return text.replace(/\s*[\r\n]+\s*/g, ' ');
  } catch {
    return 'an unreadable error was thrown';
  }
}
