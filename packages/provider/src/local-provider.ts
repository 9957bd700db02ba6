import {
  ErrorCode,
  OpenFeatureEventEmitter,
  ProviderEvents,
  StandardResolutionReasons,
  type EvaluationContext,
  type JsonValue,
  type Provider,
  type ResolutionDetails,
  type TrackingEventDetails,
} from '@openfeature/server-sdk';
import { evaluate, validateFlags, type FlagSet, type StateStore } from '@aiflags/core';
import { changedFlagsInSlices } from './source/changed-flags.js';
import { readFlagFileBytes } from './source/load-flag-file.js';
import { OFF_THREAD_MIN_BYTES, parseFlagsOffThread, type ParsedWhere } from './source/parse-off-thread.js';
import type { TrackSink } from './track-sink.js';
import { FileWatcher, type FileWatcherOptions } from './watch/file-watcher.js';

export interface LocalProviderOptions {
  /** A flag file (YAML or JSON), watched for changes. Exactly one of `file` and `flags`. */
  file?: string;
  /** A flag set as a plain object, validated like a file. */
  flags?: object;
  /** Hot reload of `file`: false turns it off; an object tunes polling and debounce (ms). Default on. */
  watch?: boolean | FileWatcherOptions;
  /** Live state overlaid on the flags: kill switches, flags switched off, rollout percentages. */
  state?: StateStore;
  /** Receives `track()` events. Default: none (events are dropped). */
  trackSink?: TrackSink;
  /**
   * Flag files of at least this many bytes (default 64 KiB) are parsed in a worker thread and compiled here
   * in slices, so a reload never holds the event loop for long; `Infinity` parses every file in place.
   */
  offThreadMinBytes?: number;
  /** Runs when OpenFeature closes the provider, after it stopped watching (e.g. closing the live-state store). */
  dispose?: () => Promise<void>;
}

type FlagType = 'boolean' | 'string' | 'number' | 'object';

/**
 * An OpenFeature server provider over an aiflags flag file or object, evaluated in process with
 * `@aiflags/core`. A reload that fails validation keeps the last good flags serving.
 */
export class LocalProvider implements Provider {
  readonly metadata = { name: 'aiflags-local' } as const;
  readonly runsOn = 'server' as const;
  readonly events = new OpenFeatureEventEmitter();

  private set: FlagSet | undefined;
  private readonly state: StateStore | undefined;
  private loadError: Error | undefined;
  private lastBytes: Buffer | undefined;
  /** The content of the last load attempt, good or bad: the same content is never reported twice. */
  private lastSeen: Buffer | undefined;
  /** In ERROR or STALE since the last good load: the next good load emits READY. */
  private degraded = false;
  private watcher: FileWatcher | undefined;
  private unsubscribe: (() => void) | undefined;
  private reloading: Promise<void> = Promise.resolve();
  private parsed: { where: ParsedWhere; bytes: number; ms: number } | undefined;

  /**
   * Hands `track()` events to the `trackSink`. Present only when there is a sink: OpenFeature then sees a
   * provider that does not track and skips merging and freezing the context of every `client.track()`
   * call only for the event to be dropped.
   */
  readonly track?: (eventName: string, context: EvaluationContext, details: TrackingEventDetails) => void;

  constructor(private readonly options: LocalProviderOptions) {
    this.state = options.state;
    const sink = options.trackSink;
    if (sink) {
      this.track = (eventName, context, details) => {
        try {
          sink.track(eventName, context, details);
        } catch {
          // Tracking is best effort: a failing sink must not reach the app.
        }
      };
    }
    if ((options.file === undefined) === (options.flags === undefined)) {
      throw new TypeError('LocalProvider: give exactly one of `file` and `flags`');
    }
    if (options.flags !== undefined) {
      try {
        this.set = validateFlags(options.flags, 'flags');
      } catch (error) {
        this.loadError = error as Error;
      }
    }
  }

  /** How the last flag file was parsed: in a worker thread or in place, its size in bytes and the time it took (ms). */
  get lastParse(): { where: ParsedWhere; bytes: number; ms: number } | undefined {
    return this.parsed;
  }

  /** The flag set being served, or undefined when none ever loaded. */
  get flagSet(): FlagSet | undefined {
    return this.set;
  }

  async initialize(): Promise<void> {
    const { file, state } = this.options;
    if (state) {
      await state.start();
      this.unsubscribe = state.onChange((_state, changed) => {
        this.events.emit(ProviderEvents.ConfigurationChanged, { flagsChanged: changed, message: 'live state changed' });
      });
    }
    if (file !== undefined) {
      try {
        const bytes = await readFlagFileBytes(file);
        const set = await this.parse(bytes, file);
        this.set = set;
        this.lastBytes = bytes;
        this.loadError = undefined;
      } catch (error) {
        this.loadError = error as Error;
      }
      if (this.options.watch !== false) {
        this.watcher = new FileWatcher(file, () => this.scheduleReload(), this.options.watch === true ? {} : this.options.watch);
        await this.watcher.start();
      }
    }
    if (this.loadError) {
      this.degraded = true;
      throw this.loadError;
    }
  }

  async onClose(): Promise<void> {
    this.watcher?.close();
    this.watcher = undefined;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    await this.reloading;
    await this.options.dispose?.();
  }

  resolveBooleanEvaluation(flagKey: string, defaultValue: boolean, context: EvaluationContext): Promise<ResolutionDetails<boolean>> {
    return Promise.resolve(this.resolve(flagKey, defaultValue, context, 'boolean'));
  }

  resolveStringEvaluation(flagKey: string, defaultValue: string, context: EvaluationContext): Promise<ResolutionDetails<string>> {
    return Promise.resolve(this.resolve(flagKey, defaultValue, context, 'string'));
  }

  resolveNumberEvaluation(flagKey: string, defaultValue: number, context: EvaluationContext): Promise<ResolutionDetails<number>> {
    return Promise.resolve(this.resolve(flagKey, defaultValue, context, 'number'));
  }

  resolveObjectEvaluation<T extends JsonValue>(flagKey: string, defaultValue: T, context: EvaluationContext): Promise<ResolutionDetails<T>> {
    return Promise.resolve(this.resolve(flagKey, defaultValue, context, 'object'));
  }

  /** The hot path: one evaluation and a field mapping, nothing else. */
  private resolve<T>(flagKey: string, defaultValue: T, context: EvaluationContext, type: FlagType): ResolutionDetails<T> {
    const set = this.set;
    if (set === undefined) {
      return {
        value: defaultValue,
        reason: StandardResolutionReasons.ERROR,
        errorCode: ErrorCode.PARSE_ERROR,
        errorMessage: this.loadError?.message ?? 'no flags loaded',
      };
    }
    let result;
    try {
      result = evaluate(set, flagKey, context, this.state?.current());
    } catch (error) {
      return { value: defaultValue, reason: StandardResolutionReasons.ERROR, errorCode: ErrorCode.GENERAL, errorMessage: (error as Error).message };
    }
    if (result.errorCode !== undefined) {
      return {
        value: defaultValue,
        reason: result.reason,
        errorCode: result.errorCode as ErrorCode,
        errorMessage: result.errorMessage,
        flagMetadata: result.flagMetadata,
      };
    }
    const value = result.value;
    if (value === undefined) {
      return { value: defaultValue, variant: result.variant, reason: result.reason, flagMetadata: result.flagMetadata };
    }
    if (type === 'object' ? typeof value !== 'object' || value === null : typeof value !== type) {
      return {
        value: defaultValue,
        reason: StandardResolutionReasons.ERROR,
        errorCode: ErrorCode.TYPE_MISMATCH,
        errorMessage: `flag "${flagKey}" has ${typeof value} values, not ${type}`,
        flagMetadata: result.flagMetadata,
      };
    }
    return { value: value as T, variant: result.variant, reason: result.reason, flagMetadata: result.flagMetadata };
  }

  private scheduleReload(): void {
    this.reloading = this.reloading.then(() => this.reload());
  }

  private async reload(): Promise<void> {
    const file = this.options.file!;
    let bytes: Buffer;
    try {
      bytes = await readFlagFileBytes(file);
    } catch (error) {
      this.lastSeen = undefined;
      const message = (error as Error).message;
      // A missing file is often mid-save (some editors delete, then write); the watcher fires again when it is back.
      this.fail(message.endsWith('file not found') ? ProviderEvents.Stale : ProviderEvents.Error, message);
      return;
    }
    if (this.lastSeen?.equals(bytes)) return;
    this.lastSeen = bytes;
    if (this.lastBytes?.equals(bytes) && !this.degraded) return;
    let set: FlagSet;
    try {
      set = await this.parse(bytes, file);
    } catch (error) {
      this.fail(ProviderEvents.Error, (error as Error).message);
      return;
    }
    const before = this.set;
    this.set = set;
    this.lastBytes = bytes;
    this.loadError = undefined;
    if (this.degraded) {
      this.degraded = false;
      this.events.emit(ProviderEvents.Ready, { message: `${file}: flags loaded` });
    }
    const flagsChanged = await changedFlagsInSlices(before, set);
    this.events.emit(ProviderEvents.ConfigurationChanged, { flagsChanged, message: `${file}: flags reloaded` });
  }

  private async parse(bytes: Buffer, file: string): Promise<FlagSet> {
    const started = performance.now();
    const { set, where } = await parseFlagsOffThread(bytes, file, { minBytes: this.options.offThreadMinBytes ?? OFF_THREAD_MIN_BYTES });
    this.parsed = { where, bytes: bytes.byteLength, ms: performance.now() - started };
    return set;
  }

  /** Reports a failed reload (ERROR carries the FlagConfigError message as is); the last good flags keep serving. */
  private fail(event: ProviderEvents.Error | ProviderEvents.Stale, message: string): void {
    this.degraded = true;
    this.events.emit(event, { message: event === ProviderEvents.Stale ? `${message}; serving the last good flags` : message });
  }
}
