import {
  ErrorCode,
  type EvaluationContext,
  type FlagValue,
  type FlagValueType,
  type JsonValue,
  type Logger,
  OpenFeatureEventEmitter,
  type Provider,
  ProviderEvents,
  type ResolutionDetails,
  StandardResolutionReasons,
} from '@openfeature/server-sdk';

/**
 * What every aiflags OpenFeature provider shares (local, LaunchDarkly, Unleash, Flagsmith): the four resolve
 * methods over one `resolveValue`, which never throws into the app (a throw becomes the caller's default
 * with GENERAL), and the READY / STALE / ERROR bookkeeping: a provider that lost its source emits STALE or
 * ERROR once, and READY again at the next sign of life.
 */
export abstract class BaseProvider implements Provider {
  abstract readonly metadata: { readonly name: string };
  readonly runsOn = 'server' as const;
  readonly events = new OpenFeatureEventEmitter();
  /** In ERROR or STALE since the source was last known good: the next `recovered()` emits READY. */
  protected degraded = false;

  /** One evaluation of `flagKey` as `type`; may throw or reject (answered as GENERAL with the default). */
  protected abstract resolveValue<T extends FlagValue>(
    flagKey: string,
    type: FlagValueType,
    defaultValue: T,
    context: EvaluationContext,
    logger?: Logger,
  ): ResolutionDetails<T> | Promise<ResolutionDetails<T>>;

  resolveBooleanEvaluation(flagKey: string, defaultValue: boolean, context: EvaluationContext, logger?: Logger): Promise<ResolutionDetails<boolean>> {
    return this.resolvePromise(flagKey, 'boolean', defaultValue, context, logger);
  }

  resolveStringEvaluation(flagKey: string, defaultValue: string, context: EvaluationContext, logger?: Logger): Promise<ResolutionDetails<string>> {
    return this.resolvePromise(flagKey, 'string', defaultValue, context, logger);
  }

  resolveNumberEvaluation(flagKey: string, defaultValue: number, context: EvaluationContext, logger?: Logger): Promise<ResolutionDetails<number>> {
    return this.resolvePromise(flagKey, 'number', defaultValue, context, logger);
  }

  resolveObjectEvaluation<T extends JsonValue>(flagKey: string, defaultValue: T, context: EvaluationContext, logger?: Logger): Promise<ResolutionDetails<T>> {
    return this.resolvePromise(flagKey, 'object', defaultValue, context, logger);
  }

  /** Marks the source good again; emits READY (with `message`) when it was degraded. */
  protected recovered(message?: string): void {
    if (!this.degraded) return;
    this.degraded = false;
    this.events.emit(ProviderEvents.Ready, message === undefined ? undefined : { message });
  }

  /** Marks the source lost (STALE: last values keep serving; ERROR: something failed) and says why. */
  protected lost(event: ProviderEvents.Error | ProviderEvents.Stale, message: string): void {
    this.degraded = true;
    this.events.emit(event, { message });
  }

  /**
   * What the four resolve methods answer: resolveValue as a promise that never rejects. A synchronous
   * resolveValue costs no extra await, so the hot path of an in-process provider stays one promise; a
   * provider that can share settled answers overrides this (and must keep it from rejecting).
   */
  protected resolvePromise<T extends FlagValue>(
    flagKey: string,
    type: FlagValueType,
    defaultValue: T,
    context: EvaluationContext,
    logger?: Logger,
  ): Promise<ResolutionDetails<T>> {
    try {
      const result = this.resolveValue(flagKey, type, defaultValue, context, logger);
      if (!(result instanceof Promise)) return Promise.resolve(result);
      return result.catch((error: unknown) => errorResolution(defaultValue, ErrorCode.GENERAL, errorMessage(error)));
    } catch (error) {
      return Promise.resolve(errorResolution(defaultValue, ErrorCode.GENERAL, errorMessage(error)));
    }
  }
}

/** The caller's default with an OpenFeature error code and a one-line message. */
export function errorResolution<T>(
  defaultValue: T,
  errorCode: ErrorCode,
  message: string,
  flagMetadata?: ResolutionDetails<T>['flagMetadata'],
): ResolutionDetails<T> {
  const out: ResolutionDetails<T> = { value: defaultValue, reason: StandardResolutionReasons.ERROR, errorCode, errorMessage: message };
  if (flagMetadata !== undefined) out.flagMetadata = flagMetadata;
  return out;
}

/** Whether a flag value is of the type the caller asked for (objects: any non-null object, arrays included). */
export function hasValueType(value: unknown, type: FlagValueType): boolean {
  if (type === 'object') return typeof value === 'object' && value !== null;
  return typeof value === type;
}

/** An error's message, or the thrown value as text. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
