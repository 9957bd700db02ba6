import { ErrorCode, ProviderEvents, ProviderFatalError, ProviderNotReadyError } from '@openfeature/server-sdk';
import type { EvaluationContext, FlagValue, FlagValueType, ResolutionDetails, TrackingEventDetails } from '@openfeature/server-sdk';
import type { Unleash } from 'unleash-client';
import { redactUrl } from '@aiflags/core';
import { BaseProvider, errorResolution, trackInto, type TrackSink } from '@aiflags/provider';
import { translateContext } from './translate-context.js';
import { translateResult } from './translate-result.js';

export interface UnleashProviderOptions {
  /** How long `initialize` waits for the first sync with the server, in ms (default 10 000). */
  initTimeoutMs?: number;
  /** Receives `track()` events (the AI layer's metric store, OpenTelemetry). */
  trackSink?: TrackSink;
  /** Destroy the Unleash instance in `onClose`: true when the provider created it. */
  ownsClient?: boolean;
  /** The server's URL, named in error messages (with its password redacted). */
  url?: string;
}

/** The connection as the provider last saw it. */
export type UnleashConnection = 'starting' | 'ready' | 'stale' | 'error';

/** An OpenFeature provider over a started-or-starting unleash-client `Unleash` instance. */
export class UnleashProvider extends BaseProvider {
  readonly metadata = { name: 'aiflags-unleash' } as const;
  private readonly sink: ReturnType<typeof trackInto> | undefined;
  private state: UnleashConnection = 'starting';
  private lastError: Error | undefined;
  // Set once initialize() has rejected: OpenFeature then holds the provider in ERROR until we say READY.
  private initFailed = false;
  private readonly waiters = new Set<(error?: Error) => void>();

  constructor(
    readonly unleash: Unleash,
    private readonly options: UnleashProviderOptions = {},
  ) {
    super();
    this.sink = options.trackSink ? trackInto(options.trackSink) : undefined;
    if (unleash.isSynchronized()) this.state = 'ready';
    // unleash-client answers only after its own 'ready'; 'changed' comes a tick earlier on the first fetch.
    let clientReady = this.state === 'ready';
    const ready = () => {
      clientReady = true;
      this.synced();
    };
    unleash.on('ready', ready);
    unleash.on('synchronized', ready);
    unleash.on('changed', (features: Array<{ name: string }> | undefined) => {
      if (!clientReady) return;
      const wasReady = this.state === 'ready';
      this.synced();
      if (wasReady) {
        this.events.emit(ProviderEvents.ConfigurationChanged, {
          flagsChanged: Array.isArray(features) ? features.map((f) => f.name) : undefined,
        });
      }
    });
    unleash.on('unchanged', () => {
      if (clientReady) this.synced();
    });
    unleash.on('error', (error: unknown) => this.failed(asError(error)));
    unleash.on('warn', (message: unknown) => {
      // Only warnings about fetching flags mean the server is out of reach (429/5xx/404 back-offs).
      if (String(message).includes('client/features')) this.failed(new Error(String(message)));
    });
  }

  /** 'ready' after the first sync; 'stale' while the server is out of reach (last flags keep serving). */
  get connection(): UnleashConnection {
    return this.state;
  }

  async initialize(): Promise<void> {
    if (this.state === 'ready' || this.state === 'stale') return;
    if (this.state === 'error' && this.lastError && isAuthError(this.lastError)) throw this.authError(this.lastError);
    const timeoutMs = this.options.initTimeoutMs ?? 10_000;
    const error = await new Promise<Error | undefined>((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.delete(done);
        const why = this.lastError ? `; last error: ${this.lastError.message}` : '';
        const where = this.options.url ? ` at ${redactUrl(this.options.url)}` : '';
        resolve(new ProviderNotReadyError(`Unleash${where} did not sync within ${timeoutMs} ms${why}`));
      }, timeoutMs);
      const done = (failure?: Error) => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve(failure);
      };
      this.waiters.add(done);
    });
    if (error) {
      this.initFailed = true;
      throw error;
    }
  }

  protected resolveValue<T extends FlagValue>(flagKey: string, type: FlagValueType, defaultValue: T, context: EvaluationContext): ResolutionDetails<T> {
    return this.resolve(flagKey, type, defaultValue, context);
  }

  /** Hands the event to the configured sink; without one it is dropped (Unleash has no custom events). */
  track(eventName: string, context: EvaluationContext, details: TrackingEventDetails = {}): void {
    this.sink?.(eventName, context, details);
  }

  async onClose(): Promise<void> {
    for (const waiter of [...this.waiters]) waiter(new ProviderNotReadyError('Unleash provider closed before it synced'));
    if (!this.options.ownsClient) return;
    // destroy() drops the repository's listeners, but a fetch still in flight (make-fetch-happen retries)
    // can fail afterwards and emit 'error' with no listener: an unhandled rejection that ends the process.
    const repository = (this.unleash as unknown as { repository?: { on?: (event: string, fn: () => void) => void } }).repository;
    this.unleash.destroy();
    repository?.on?.('error', () => {});
  }

  /** Synchronous evaluation (the OpenFeature methods wrap it). Never throws. */
  resolve<T extends FlagValue>(flagKey: string, type: FlagValueType, defaultValue: T, context: EvaluationContext = {}): ResolutionDetails<T> {
    if (this.state === 'starting' || (this.state === 'error' && !this.unleash.isSynchronized())) {
      return errorResolution(
        defaultValue,
        ErrorCode.PROVIDER_NOT_READY,
        this.lastError ? `Unleash not synced: ${this.lastError.message}` : 'Unleash has not synced yet',
      );
    }
    try {
      const feature = this.unleash.getFeatureToggleDefinition(flagKey);
      const variant = this.unleash.getVariant(flagKey, translateContext(context));
      return translateResult(feature, variant, type, defaultValue, flagKey);
    } catch (error) {
      return errorResolution(defaultValue, ErrorCode.GENERAL, redactUrl(asError(error).message));
    }
  }

  private synced(): void {
    const previous = this.state;
    this.state = 'ready';
    this.lastError = undefined;
    for (const waiter of [...this.waiters]) waiter();
    // The first READY is OpenFeature's to emit when initialize resolves; we announce recoveries only,
    // including a first sync that comes after initialize gave up.
    if (previous === 'stale' || previous === 'error' || (previous === 'starting' && this.initFailed)) {
      this.events.emit(ProviderEvents.Ready);
    }
  }

  private failed(failure: Error): void {
    // unleash-client's messages name the URL it fetched, credentials included; they reach events and errors.
    const error = redacted(failure);
    this.lastError = error;
    if (isAuthError(error)) {
      // unleash-client stops polling after a 401/403: nothing will recover without a new token.
      this.state = 'error';
      for (const waiter of [...this.waiters]) waiter(this.authError(error));
      this.events.emit(ProviderEvents.Error, { message: this.authError(error).message });
      return;
    }
    if (this.state === 'ready') {
      this.state = 'stale';
      this.events.emit(ProviderEvents.Stale, { message: `Unleash unreachable, serving the last flags: ${error.message}` });
    }
  }

  private authError(error: Error): Error {
    return new ProviderFatalError(
      `Unleash refused the API token (${error.message}). Check UNLEASH_API_TOKEN: it must be a backend (client) token for this project and environment.`,
    );
  }
}

function isAuthError(error: Error): boolean {
  return /responded 40[13]\b/.test(error.message);
}

/** The error with every URL password in its message replaced by `***` (the same error when there is none). */
function redacted(error: Error): Error {
  const message = redactUrl(error.message);
  // No `cause`: a logger that prints causes would print the original message.
  return message === error.message ? error : new Error(message);
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
