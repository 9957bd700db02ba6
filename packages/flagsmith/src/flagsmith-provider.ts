import { ErrorCode, ProviderEvents, ProviderNotReadyError } from '@openfeature/server-sdk';
import type { EvaluationContext, FlagValue, FlagValueType, ResolutionDetails, TrackingEventDetails } from '@openfeature/server-sdk';
import type { Flagsmith } from 'flagsmith-nodejs';
import { BaseProvider, errorMessage, errorResolution, trackInto, type TrackSink } from '@aiflags/provider';
import { translateContext } from './translate-context.js';
import { type FlagsmithFlag, translateResult } from './translate-result.js';
import type { FlagsmithCatalog } from './value-catalog.js';

export interface FlagsmithProviderOptions {
  /** How long `initialize` waits for the first environment document (or first remote answer), in ms (default 10 000). */
  initTimeoutMs?: number;
  /** Variant keys, reasons and metadata Flagsmith does not carry (from `exportToFlagsmith`). */
  catalog?: FlagsmithCatalog;
  /** Receives `track()` events (the AI layer's metric store, OpenTelemetry); Flagsmith has no custom events. */
  trackSink?: TrackSink;
  /** Close the client in `onClose` (stops its polling): true when the provider created it. */
  ownsClient?: boolean;
}

/**
 * An OpenFeature provider over a flagsmith-nodejs client: local evaluation (environment document polled,
 * or an offline document) or remote evaluation. Feed the client's `onEnvironmentChange` to
 * `environmentChanged` (createFlagsmithProvider does) so a failed poll becomes STALE, the next good one
 * READY, and a changed document CONFIGURATION_CHANGED.
 */
export class FlagsmithProvider extends BaseProvider {
  readonly metadata = { name: 'aiflags-flagsmith' } as const;
  private readonly catalog: FlagsmithCatalog;
  private readonly sink: ReturnType<typeof trackInto> | undefined;
  private fingerprint: string | undefined;
  /** Local evaluation: an environment document has been loaded (until then the SDK would fetch per evaluation). */
  private loaded = false;

  constructor(
    readonly client: Flagsmith,
    private readonly options: FlagsmithProviderOptions = {},
  ) {
    super();
    this.catalog = options.catalog ?? {};
    this.sink = options.trackSink ? trackInto(options.trackSink) : undefined;
  }

  /** True when flags are evaluated in this process (a polled or offline environment document). */
  get local(): boolean {
    return this.client.enableLocalEvaluation === true || this.client.offlineMode;
  }

  async initialize(): Promise<void> {
    const timeoutMs = this.options.initTimeoutMs ?? 10_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      if (this.local) {
        this.fingerprint = environmentFingerprint(await Promise.race([this.client.getEnvironment(), timeout]));
        this.loaded = true;
      } else await Promise.race([this.client.getEnvironmentFlags(), timeout]);
    } catch (error) {
      // OpenFeature marks the provider ERROR; the first good poll emits READY.
      this.degraded = true;
      throw new ProviderNotReadyError(`Flagsmith not ready: ${describeError(error)}`);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The client's `onEnvironmentChange`: a failed poll is STALE (the last document keeps serving). */
  environmentChanged(error: Error | null, environment?: unknown): void {
    if (error) {
      if (!this.degraded) this.lost(ProviderEvents.Stale, `Flagsmith unreachable, serving the last flags: ${describeError(error)}`);
      return;
    }
    this.loaded = true;
    this.recovered();
    const next = environmentFingerprint(environment);
    if (this.fingerprint !== undefined && next !== this.fingerprint) this.events.emit(ProviderEvents.ConfigurationChanged, {});
    this.fingerprint = next;
  }

  track(eventName: string, context: EvaluationContext, details: TrackingEventDetails = {}): void {
    this.sink?.(eventName, context, details);
  }

  async onClose(): Promise<void> {
    if (this.options.ownsClient) await this.client.close();
  }

  protected async resolveValue<T extends FlagValue>(
    flagKey: string,
    type: FlagValueType,
    defaultValue: T,
    context: EvaluationContext,
  ): Promise<ResolutionDetails<T>> {
    if (this.local && !this.loaded && !this.client.offlineMode) {
      return errorResolution(defaultValue, ErrorCode.PROVIDER_NOT_READY, 'Flagsmith has not loaded an environment document yet');
    }
    const { identifier, traits } = translateContext(context);
    let flag: FlagsmithFlag;
    try {
      const flags = identifier !== undefined ? await this.client.getIdentityFlags(identifier, traits) : await this.client.getEnvironmentFlags();
      flag = flags.getFlag(flagKey);
    } catch (error) {
      // Remote evaluation: every answer is a request, so a failed one is the sign of a lost connection.
      if (!this.local && !this.degraded) this.lost(ProviderEvents.Stale, `Flagsmith unreachable: ${describeError(error)}`);
      return errorResolution(defaultValue, ErrorCode.GENERAL, `Flagsmith could not evaluate "${flagKey}": ${describeError(error)}`);
    }
    if (!this.local) this.recovered();
    return translateResult(flag, type, defaultValue, this.catalog[flagKey], flagKey);
  }
}

/** The SDK wraps the cause ("getIdentityFlags failed ..."): name both. */
function describeError(error: unknown): string {
  const cause = error instanceof Error && error.cause !== undefined ? `: ${errorMessage(error.cause)}` : '';
  return `${errorMessage(error)}${cause}`;
}

/**
 * What decides answers in an environment model: features, values, ids, allocations and segment rules, without
 * the uuids the SDK makes up on each load (so an unchanged document gives the same fingerprint).
 */
export function environmentFingerprint(environment: unknown): string {
  return JSON.stringify(environment, (key, value) => {
    if (key === 'featurestateUUID' || key === 'mvFsValueUuid') return undefined;
    return typeof value === 'bigint' ? value.toString() : value;
  });
}
