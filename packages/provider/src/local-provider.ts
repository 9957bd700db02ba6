import {
  DefaultLogger,
  ErrorCode,
  ProviderEvents,
  StandardResolutionReasons,
  type EvaluationContext,
  type FlagValue,
  type FlagValueType,
  type Logger,
  type ResolutionDetails,
  type TrackingEventDetails,
} from '@openfeature/server-sdk';
import { CODE_DEFAULT_VARIANT, didYouMean, evaluate, validateFlags, type EvaluationResult, type FlagSet, type StateStore } from '@aiflags/core';
import { createHash } from 'node:crypto';
import { PresenceAnnouncer, type PresenceOptions } from './presence/presence-announcer.js';
import { changedFlagsInSlices } from './source/changed-flags.js';
import { FlagFileReadError, readFlagFileBytes } from './source/load-flag-file.js';
import { OFF_THREAD_MIN_BYTES, parseFlagsOffThread, type ParsedWhere } from './source/parse-off-thread.js';
import { BaseProvider, errorMessage, errorResolution, hasValueType } from './base/base-provider.js';
import { trackInto, type TrackSink } from './base/track-sink.js';
import { FileWatcher, type FileWatcherOptions } from '@aiflags/file';

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
   * Announces this instance in the live-state store it reads (with `state`), so `aiflags kill` can wait
   * for it to confirm a change and `aiflags instances` lists it with the versions it serves.
   */
  presence?: PresenceOptions;
  /**
   * Flag files of at least this many bytes (default 64 KiB) are parsed in a worker thread and compiled here
   * in slices, so a reload never holds the event loop for long; `Infinity` parses every file in place.
   */
  offThreadMinBytes?: number;
  /** Runs when OpenFeature closes the provider, after it stopped watching (e.g. closing the live-state store). */
  dispose?: () => Promise<void>;
  /**
   * Where a rejected reload is logged (as an error, once per distinct message until a good load). Default:
   * the OpenFeature logger of the latest evaluation (`client.setLogger()` / `OpenFeature.setLogger()`), else the console.
   */
  logger?: Logger;
}

/** Why the last reload of the flag file was not applied; the last good flags keep serving meanwhile. */
export interface ReloadError {
  /** The one-line message: a FlagConfigError naming file, flag and field, or a read error naming the file. */
  message: string;
  /** `PARSE_ERROR` for a file that fails validation, `READ_ERROR` for one that cannot be read (missing, unreadable). */
  code: 'PARSE_ERROR' | 'READ_ERROR';
  /** When the reload was rejected (ISO-8601). */
  at: string;
  /** The version still serving (flagMetadata.flagSetVersion), or undefined when none ever loaded. */
  servingVersion: string | undefined;
}

/** Distinct reload errors remembered as already logged; more than this many are logged again. */
const MAX_REMEMBERED_RELOAD_ERRORS = 100;

/**
 * An OpenFeature server provider over an aiflags flag file or object, evaluated in process with
 * `@aiflags/core`. A reload that fails validation keeps the last good flags serving.
 */
export class LocalProvider extends BaseProvider {
  readonly metadata = { name: 'aiflags-local' } as const;

  private set: FlagSet | undefined;
  private readonly state: StateStore | undefined;
  private loadError: Error | undefined;
  private lastBytes: Buffer | undefined;
  /** The content of the last load attempt, good or bad: the same content is never reported twice. */
  private lastSeen: Buffer | undefined;
  private watcher: FileWatcher | undefined;
  private unsubscribe: (() => void) | undefined;
  private reloading: Promise<void> = Promise.resolve();
  private reloadError: ReloadError | undefined;
  /** Reload messages logged since the last good load: each distinct one is logged once. */
  private readonly loggedReloadErrors = new Set<string>();
  /** The logger OpenFeature passed to the latest evaluation: where reload errors go when none was configured. */
  private evaluationLogger: Logger | undefined;
  private announcer: PresenceAnnouncer | undefined;
  /** Hash of the content of the last rejected reload, while the last good flags serve in its place. */
  private rejected: string | undefined;
  private parsed: { where: ParsedWhere; bytes: number; ms: number } | undefined;
  /** The settled resolution of each shared core result served so far (see resolvePromise). */
  private readonly settled = new WeakMap<EvaluationResult, Promise<ResolutionDetails<FlagValue>>>();

  /**
   * Hands `track()` events to the `trackSink`. Present only when there is a sink: OpenFeature then sees a
   * provider that does not track and skips merging and freezing the context of every `client.track()`
   * call only for the event to be dropped.
   */
  readonly track?: (eventName: string, context: EvaluationContext, details?: TrackingEventDetails) => void;

  constructor(private readonly options: LocalProviderOptions) {
    super();
    this.state = options.state;
    if (options.trackSink) this.track = trackInto(options.trackSink);
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

  /** Why the latest reload was rejected, while the last good flags serve; undefined after a good load. */
  get lastReloadError(): ReloadError | undefined {
    return this.reloadError;
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
    if (state && this.options.presence) {
      this.announcer = new PresenceAnnouncer({
        ...this.options.presence,
        state,
        layer: 'local',
        backend: 'local',
        flags: () => ({
          ...(this.lastBytes ? { version: shortHash(this.lastBytes) } : {}),
          ...(this.rejected !== undefined ? { rejected: this.rejected } : {}),
        }),
      });
      await this.announcer.start();
    }
    if (this.loadError) {
      this.degraded = true;
      throw this.loadError;
    }
  }

  /** The presence id this provider announces, when it announces one. */
  get instanceId(): string | undefined {
    return this.announcer?.id;
  }

  async onClose(): Promise<void> {
    this.watcher?.close();
    this.watcher = undefined;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    await this.reloading;
    await this.announcer?.close();
    this.announcer = undefined;
    await this.options.dispose?.();
  }

  protected resolveValue<T>(flagKey: string, type: FlagValueType, defaultValue: T, context: EvaluationContext, logger?: Logger): ResolutionDetails<T> {
    this.evaluationLogger = logger;
    return this.resolve(flagKey, defaultValue, context, type);
  }

  /**
   * The hot path as a promise. Core hands out one frozen result per flag and variant, so the resolution of a
   * served value (which does not depend on the caller's default) is built once per result, frozen, and its
   * settled promise shared: an evaluation then allocates nothing. Everything else resolves as resolveValue does.
   */
  protected override resolvePromise<T extends FlagValue>(
    flagKey: string,
    type: FlagValueType,
    defaultValue: T,
    context: EvaluationContext,
    logger?: Logger,
  ): Promise<ResolutionDetails<T>> {
    try {
      this.evaluationLogger = logger;
      const set = this.set;
      if (set !== undefined) {
        const result = evaluate(set, flagKey, context, this.state?.current());
        const shared = this.settled.get(result);
        if (shared !== undefined && hasValueType(result.value, type)) return shared as Promise<ResolutionDetails<T>>;
        const details = this.resolve(flagKey, defaultValue, context, type, result);
        const promise = Promise.resolve(details);
        if (
          result.errorCode === undefined &&
          result.variant !== CODE_DEFAULT_VARIANT &&
          result.value !== undefined &&
          details.errorCode === undefined &&
          details.value === result.value
        ) {
          Object.freeze(details);
          this.settled.set(result, promise as Promise<ResolutionDetails<FlagValue>>);
        }
        return promise;
      }
      return Promise.resolve(this.resolve(flagKey, defaultValue, context, type));
    } catch (error) {
      return Promise.resolve(errorResolution(defaultValue, ErrorCode.GENERAL, errorMessage(error)));
    }
  }

  /** The hot path: one evaluation and a field mapping, nothing else. */
  private resolve<T>(flagKey: string, defaultValue: T, context: EvaluationContext, type: FlagValueType, evaluated?: EvaluationResult): ResolutionDetails<T> {
    const set = this.set;
    if (set === undefined) {
      return errorResolution(defaultValue, ErrorCode.PARSE_ERROR, this.loadError?.message ?? 'no flags loaded');
    }
    let result: EvaluationResult;
    try {
      result = evaluated ?? evaluate(set, flagKey, context, this.state?.current());
    } catch (error) {
      return errorResolution(defaultValue, ErrorCode.GENERAL, (error as Error).message);
    }
    if (result.errorCode !== undefined) {
      // A typo'd key is the common case: name the closest kill switch or flag (switches first, for guard).
      const hint = result.errorCode === ErrorCode.FLAG_NOT_FOUND ? didYouMean(flagKey, [...set.killSwitches.keys(), ...set.flags.keys()]) : '';
      return {
        value: defaultValue,
        reason: result.reason,
        errorCode: result.errorCode as ErrorCode,
        errorMessage: `${result.errorMessage ?? result.errorCode}${hint}`,
        flagMetadata: result.flagMetadata,
      };
    }
    const value = result.value;
    if (result.variant === CODE_DEFAULT_VARIANT) {
      // flagd's null default and disabled flags: the caller's default, as DEFAULT (flagd says DEFAULT where aiflags would say STATIC) or DISABLED.
      const reason = result.reason === StandardResolutionReasons.STATIC ? StandardResolutionReasons.DEFAULT : result.reason;
      return { value: defaultValue, reason, flagMetadata: result.flagMetadata };
    }
    if (value === undefined) {
      return { value: defaultValue, variant: result.variant, reason: result.reason, flagMetadata: result.flagMetadata };
    }
    if (!hasValueType(value, type)) {
      return errorResolution(
        defaultValue,
        ErrorCode.TYPE_MISMATCH,
        `${set.source}: flag '${flagKey}' has ${typeof value} values, not ${type}`,
        result.flagMetadata,
      );
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
      this.fail(error instanceof FlagFileReadError && error.code === 'FILE_NOT_FOUND' ? ProviderEvents.Stale : ProviderEvents.Error, message, 'READ_ERROR');
      return;
    }
    if (this.lastSeen?.equals(bytes)) return;
    this.lastSeen = bytes;
    if (this.lastBytes?.equals(bytes) && !this.degraded) return;
    let set: FlagSet;
    try {
      set = await this.parse(bytes, file);
    } catch (error) {
      this.rejected = shortHash(bytes);
      this.announcer?.announce();
      this.fail(ProviderEvents.Error, (error as Error).message, 'PARSE_ERROR');
      return;
    }
    this.rejected = undefined;
    const before = this.set;
    this.set = set;
    this.lastBytes = bytes;
    this.loadError = undefined;
    this.reloadError = undefined;
    this.loggedReloadErrors.clear();
    this.recovered(`${file}: flags loaded`);
    this.announcer?.announce();
    const flagsChanged = await changedFlagsInSlices(before, set);
    this.events.emit(ProviderEvents.ConfigurationChanged, { flagsChanged, message: `${file}: flags reloaded` });
  }

  private async parse(bytes: Buffer, file: string): Promise<FlagSet> {
    const started = performance.now();
    const { set, where } = await parseFlagsOffThread(bytes, file, { minBytes: this.options.offThreadMinBytes ?? OFF_THREAD_MIN_BYTES });
    this.parsed = { where, bytes: bytes.byteLength, ms: performance.now() - started };
    return set;
  }

  /**
   * Reports a failed reload (ERROR carries the FlagConfigError message as is); the last good flags keep
   * serving. An ERROR is also logged once per distinct message; a missing file (STALE, often mid-save) is not.
   */
  private fail(event: ProviderEvents.Error | ProviderEvents.Stale, message: string, code: ReloadError['code']): void {
    const servingVersion = this.set?.version;
    this.reloadError = { message, code, at: new Date().toISOString(), servingVersion };
    this.lost(event, event === ProviderEvents.Stale ? `${message}; serving the last good flags` : message);
    if (event === ProviderEvents.Error && !this.loggedReloadErrors.has(message)) {
      if (this.loggedReloadErrors.size >= MAX_REMEMBERED_RELOAD_ERRORS) this.loggedReloadErrors.clear();
      this.loggedReloadErrors.add(message);
      const serving = servingVersion !== undefined ? `serving the last good flags (version ${servingVersion})` : 'no flags loaded yet';
      try {
        (this.options.logger ?? this.evaluationLogger ?? new DefaultLogger()).error(`aiflags: reload rejected, ${serving}: ${message}`);
      } catch {
        // A throwing logger must not stop the watcher.
      }
    }
  }
}

/** The flag-file version an instance announces: the first 12 hex digits of the content's sha256. */
export function shortHash(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 12);
}
