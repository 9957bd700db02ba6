import { ErrorCode, OpenFeatureEventEmitter, ProviderEvents, ProviderNotReadyError, StandardResolutionReasons } from '@openfeature/server-sdk';
import type { EvaluationContext, FlagValue, JsonValue, Provider, ResolutionDetails, TrackingEventDetails } from '@openfeature/server-sdk';
import type { LDClient } from '@launchdarkly/node-server-sdk';
import type { FlagCatalog } from './flag-catalog.js';
import { translateContext } from './translate-context.js';
import { translateResult } from './translate-result.js';
import type { FlagValueType } from './translate-result.js';

export interface LaunchDarklyProviderOptions {
  /** How long `initialize` waits for the SDK's first flag data, in ms (default 10 000). */
  initTimeoutMs?: number;
  /** Variant keys and metadata the SDK does not carry (from `exportToLaunchDarkly`). */
  catalog?: FlagCatalog;
  /** Close the LDClient in `onClose`: true when the provider created it. */
  ownsClient?: boolean;
}

/** An OpenFeature provider over an initialized-or-initializing LaunchDarkly `LDClient`. */
export class LaunchDarklyProvider implements Provider {
  readonly metadata = { name: 'aiflags-launchdarkly' } as const;
  readonly runsOn = 'server' as const;
  readonly events = new OpenFeatureEventEmitter();
  private readonly catalog: FlagCatalog;
  // Set while the SDK is known not to serve fresh data, so the next sign of life re-announces READY.
  private degraded = false;

  // Kept so onClose can detach them from a client that outlives this provider.
  private readonly listeners: [string, Parameters<LDClient['on']>[1]][] = [
    ['ready', () => this.recovered()],
    [
      'update',
      (change: { key: string }) => {
        this.recovered();
        this.events.emit(ProviderEvents.ConfigurationChanged, { flagsChanged: [change.key] });
      },
    ],
    ['error', (error: unknown) => this.lost(ProviderEvents.Error, error)],
    ['failed', (error: unknown) => this.lost(ProviderEvents.Error, error)],
  ];

  constructor(
    readonly client: LDClient,
    private readonly options: LaunchDarklyProviderOptions = {},
  ) {
    this.catalog = options.catalog ?? {};
    for (const [event, listener] of this.listeners) client.on(event, listener);
  }

  async initialize(): Promise<void> {
    if (this.client.initialized()) return;
    const timeout = (this.options.initTimeoutMs ?? 10_000) / 1000;
    try {
      await this.client.waitForInitialization({ timeout });
    } catch (error) {
      // OpenFeature marks the provider ERROR; evaluations answer PROVIDER_NOT_READY until the SDK's 'ready'.
      this.degraded = true;
      throw new ProviderNotReadyError(`LaunchDarkly client not ready (waited up to ${timeout} s): ${message(error)}`);
    }
  }

  /** Called by the connection watcher when the SDK reports it is retrying a lost connection. */
  markStale(why: string): void {
    this.lost(ProviderEvents.Stale, why);
  }

  /** Called by the connection watcher when the SDK reports a (re)opened connection. */
  markConnected(): void {
    if (this.client.initialized()) this.recovered();
  }

  resolveBooleanEvaluation(flagKey: string, defaultValue: boolean, context: EvaluationContext) {
    return this.resolve(flagKey, 'boolean', defaultValue, context);
  }

  resolveStringEvaluation(flagKey: string, defaultValue: string, context: EvaluationContext) {
    return this.resolve(flagKey, 'string', defaultValue, context);
  }

  resolveNumberEvaluation(flagKey: string, defaultValue: number, context: EvaluationContext) {
    return this.resolve(flagKey, 'number', defaultValue, context);
  }

  resolveObjectEvaluation<T extends JsonValue>(flagKey: string, defaultValue: T, context: EvaluationContext) {
    return this.resolve(flagKey, 'object', defaultValue, context);
  }

  /** Forwards to `LDClient.track`; `details.value` becomes LaunchDarkly's metric value. */
  track(eventName: string, context: EvaluationContext, details: TrackingEventDetails = {}): void {
    const { value, ...data } = details;
    this.client.track(eventName, translateContext(context), Object.keys(data).length ? data : undefined, value);
  }

  async onClose(): Promise<void> {
    for (const [event, listener] of this.listeners) this.client.off(event, listener);
    if (this.options.ownsClient) this.client.close();
  }

  private async resolve<T extends FlagValue>(flagKey: string, type: FlagValueType, defaultValue: T, context: EvaluationContext): Promise<ResolutionDetails<T>> {
    try {
      const detail = await this.client.variationDetail(flagKey, translateContext(context), defaultValue);
      return translateResult(detail, type, defaultValue, this.catalog[flagKey]);
    } catch (error) {
      return {
        value: defaultValue,
        reason: StandardResolutionReasons.ERROR,
        errorCode: ErrorCode.GENERAL,
        errorMessage: message(error),
      };
    }
  }

  private recovered(): void {
    if (!this.degraded) return;
    this.degraded = false;
    this.events.emit(ProviderEvents.Ready);
  }

  private lost(event: ProviderEvents.Error | ProviderEvents.Stale, error: unknown): void {
    this.degraded = true;
    this.events.emit(event, { message: message(error) });
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
