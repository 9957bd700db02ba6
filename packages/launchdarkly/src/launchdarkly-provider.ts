import { ProviderEvents, ProviderNotReadyError } from '@openfeature/server-sdk';
import type { EvaluationContext, FlagValue, FlagValueType, ResolutionDetails, TrackingEventDetails } from '@openfeature/server-sdk';
import { BaseProvider, errorMessage } from '@aiflags/provider';
import type { LDClient } from '@launchdarkly/node-server-sdk';
import type { FlagCatalog } from './flag-catalog.js';
import { translateContext } from './translate-context.js';
import { translateResult } from './translate-result.js';

export interface LaunchDarklyProviderOptions {
  /** How long `initialize` waits for the SDK's first flag data, in ms (default 10 000). */
  initTimeoutMs?: number;
  /** Variant keys and metadata the SDK does not carry (from `exportToLaunchDarkly`). */
  catalog?: FlagCatalog;
  /** Close the LDClient in `onClose`: true when the provider created it. */
  ownsClient?: boolean;
}

/** An OpenFeature provider over an initialized-or-initializing LaunchDarkly `LDClient`. */
export class LaunchDarklyProvider extends BaseProvider {
  readonly metadata = { name: 'aiflags-launchdarkly' } as const;
  private readonly catalog: FlagCatalog;

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
    ['error', (error: unknown) => this.lost(ProviderEvents.Error, errorMessage(error))],
    ['failed', (error: unknown) => this.lost(ProviderEvents.Error, errorMessage(error))],
  ];

  constructor(
    readonly client: LDClient,
    private readonly options: LaunchDarklyProviderOptions = {},
  ) {
    super();
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
      throw new ProviderNotReadyError(`LaunchDarkly client not ready (waited up to ${timeout} s): ${errorMessage(error)}`);
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

  /** Forwards to `LDClient.track`; `details.value` becomes LaunchDarkly's metric value. */
  track(eventName: string, context: EvaluationContext, details: TrackingEventDetails = {}): void {
    const { value, ...data } = details;
    this.client.track(eventName, translateContext(context), Object.keys(data).length ? data : undefined, value);
  }

  async onClose(): Promise<void> {
    for (const [event, listener] of this.listeners) this.client.off(event, listener);
    if (this.options.ownsClient) this.client.close();
  }

  protected async resolveValue<T extends FlagValue>(
    flagKey: string,
    type: FlagValueType,
    defaultValue: T,
    context: EvaluationContext,
  ): Promise<ResolutionDetails<T>> {
    const detail = await this.client.variationDetail(flagKey, translateContext(context), defaultValue);
    return translateResult(detail, type, defaultValue, this.catalog[flagKey]);
  }
}
