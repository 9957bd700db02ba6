import {
  OpenFeatureEventEmitter,
  ProviderEvents,
  StandardResolutionReasons,
  type EvaluationContext,
  type JsonValue,
  type Logger,
  type Provider,
  type ResolutionDetails,
} from '@openfeature/server-sdk';
import { CODE_DEFAULT_VARIANT, DEFAULT_RETRY_AFTER_S, evaluate, type FlagSet, type StateStore } from '@aiflags/core';
import { PresenceAnnouncer, type PresenceOptions } from '../presence/presence-announcer.js';

export interface LiveStateOverlayOptions {
  /** The vendor's provider (LaunchDarkly, Unleash): it answers everything the live state does not override. */
  provider: Provider;
  /** The live state (`.aiflags/` or Redis) whose kill switches and `enabled: false` overrides win over the vendor. */
  state: StateStore;
  /** The backend's name, announced with the presence record (launchdarkly, unleash). */
  backend: string;
  /** The flag file when there is one: a switch's `retryAfter`, a disabled flag's off variant. */
  flags?: FlagSet;
  /** Announce this instance (layer `overlay`) so `aiflags kill` can wait for it. */
  presence?: PresenceOptions;
  /** Runs after the vendor provider closed (e.g. releasing the live-state store). */
  dispose?: () => Promise<void>;
}

const FORWARDED = [ProviderEvents.Ready, ProviderEvents.Error, ProviderEvents.ConfigurationChanged, ProviderEvents.Stale] as const;

/**
 * aiflags' own live state over any provider: a kill switch killed with `aiflags kill` answers false
 * (reason DISABLED, `retryAfter` in its metadata) and a flag switched off answers its off variant, whatever
 * the vendor says, within the live-state store's delivery time. Everything else is the vendor's answer.
 * Percentage overrides are not applied here: the vendor owns the rollout on its backend.
 */
export class LiveStateOverlayProvider implements Provider {
  readonly metadata: Provider['metadata'];
  readonly runsOn: Provider['runsOn'];
  readonly events = new OpenFeatureEventEmitter();
  readonly hooks: Provider['hooks'];
  readonly track?: Provider['track'];
  private readonly inner: Provider;
  private readonly state: StateStore;
  private announcer: PresenceAnnouncer | undefined;
  private unsubscribe: (() => void) | undefined;
  private readonly detach: Array<() => void> = [];

  constructor(private readonly options: LiveStateOverlayOptions) {
    this.inner = options.provider;
    this.state = options.state;
    // The vendor's name stays: logs and checks that look for it keep working.
    this.metadata = this.inner.metadata;
    this.runsOn = this.inner.runsOn;
    this.hooks = this.inner.hooks;
    if (this.inner.track) this.track = this.inner.track.bind(this.inner);
    for (const event of FORWARDED) {
      const forward = (details?: object) => this.events.emit(event, details as never);
      this.inner.events?.addHandler(event, forward);
      this.detach.push(() => this.inner.events?.removeHandler(event, forward));
    }
  }

  /** The presence id this instance announces, when it announces one. */
  get instanceId(): string | undefined {
    return this.announcer?.id;
  }

  async initialize(context?: EvaluationContext): Promise<void> {
    await this.state.start();
    this.unsubscribe = this.state.onChange((_s, changed) => {
      this.events.emit(ProviderEvents.ConfigurationChanged, { flagsChanged: changed, message: 'aiflags live state changed' });
    });
    if (this.options.presence) {
      this.announcer = new PresenceAnnouncer({ ...this.options.presence, state: this.state, layer: 'overlay', backend: this.options.backend });
      await this.announcer.start();
    }
    await this.inner.initialize?.(context);
  }

  async onClose(): Promise<void> {
    this.unsubscribe?.();
    for (const d of this.detach.splice(0)) d();
    await this.announcer?.close();
    try {
      await this.inner.onClose?.();
    } finally {
      await this.options.dispose?.();
    }
  }

  resolveBooleanEvaluation(flagKey: string, defaultValue: boolean, context: EvaluationContext, logger: Logger): Promise<ResolutionDetails<boolean>> {
    return this.override(flagKey, defaultValue, context) ?? this.inner.resolveBooleanEvaluation(flagKey, defaultValue, context, logger);
  }

  resolveStringEvaluation(flagKey: string, defaultValue: string, context: EvaluationContext, logger: Logger): Promise<ResolutionDetails<string>> {
    return this.override(flagKey, defaultValue, context) ?? this.inner.resolveStringEvaluation(flagKey, defaultValue, context, logger);
  }

  resolveNumberEvaluation(flagKey: string, defaultValue: number, context: EvaluationContext, logger: Logger): Promise<ResolutionDetails<number>> {
    return this.override(flagKey, defaultValue, context) ?? this.inner.resolveNumberEvaluation(flagKey, defaultValue, context, logger);
  }

  resolveObjectEvaluation<T extends JsonValue>(flagKey: string, defaultValue: T, context: EvaluationContext, logger: Logger): Promise<ResolutionDetails<T>> {
    return this.override(flagKey, defaultValue, context) ?? this.inner.resolveObjectEvaluation(flagKey, defaultValue, context, logger);
  }

  /** The live state's answer when it overrides `flagKey`, else undefined (ask the vendor). */
  private override<T>(flagKey: string, defaultValue: T, context: EvaluationContext): Promise<ResolutionDetails<T>> | undefined {
    const live = this.state.current();
    const ks = Object.hasOwn(live.killSwitches, flagKey) ? live.killSwitches[flagKey] : undefined;
    if (ks?.killed === true) {
      if (typeof defaultValue !== 'boolean') return undefined;
      const configured = this.options.flags?.killSwitches.get(flagKey)?.retryAfter;
      const flagMetadata: Record<string, string | number | boolean> = {
        killSwitch: true,
        retryAfter: ks.retryAfter ?? configured ?? DEFAULT_RETRY_AFTER_S,
        liveStateLayer: 'aiflags-overlay',
      };
      if (ks.reason !== undefined) flagMetadata.killReason = ks.reason;
      return Promise.resolve({ value: false as T, variant: 'killed', reason: StandardResolutionReasons.DISABLED, flagMetadata });
    }
    const fo = Object.hasOwn(live.flags, flagKey) ? live.flags[flagKey] : undefined;
    if (fo?.enabled !== false) return undefined;
    // Switched off: the flag file's off variant when the file has the flag, else the caller's default.
    const set = this.options.flags;
    if (set?.flags.has(flagKey)) {
      const result = evaluate(set, flagKey, context, live);
      if (
        result.errorCode === undefined &&
        result.value !== undefined &&
        result.variant !== CODE_DEFAULT_VARIANT &&
        typeof result.value === typeof defaultValue
      ) {
        return Promise.resolve({
          value: result.value as T,
          variant: result.variant,
          reason: StandardResolutionReasons.DISABLED,
          flagMetadata: { liveStateLayer: 'aiflags-overlay' },
        });
      }
    }
    return Promise.resolve({ value: defaultValue, reason: StandardResolutionReasons.DISABLED, flagMetadata: { liveStateLayer: 'aiflags-overlay' } });
  }
}
