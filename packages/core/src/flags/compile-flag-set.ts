/**
 * From a schema-valid flag file to a frozen FlagSet: the cross-field checks the schema cannot express
 * (variants that exist, one value type per flag, weights summing to 100, 0.001 % resolution, safe
 * regexes…), the normalized definitions other packages read, and the compiled evaluation programs.
 */
import type { FlagMetadata, FlagValue } from '../evaluation/result.js';
import { compileKillSwitchProgram, type FlagProgram } from '../evaluation/flag-program.js';
import { LazyFlagProgram } from '../evaluation/lazy-flag-program.js';
import { answeringAsFlagd } from '../flagd/reserved-variants.js';
import { parseAttributePath } from '../rules/attribute-path.js';
import { allOf, compileCondition, type ContextPredicate } from '../rules/condition.js';
import { AIFLAGS_DIALECT, dialectOf, type ConditionDialect } from '../rules/condition-dialect.js';
import { configError, describeValue, type ConfigPath } from './config-path.js';
import { checkModelConfigVariants, isModelConfigFlag } from './model-config.js';
import { flagMetrics } from './flag-metrics.js';
import {
  DEFAULT_RETRY_AFTER_S,
  typeOfValue,
  type BucketingDefinition,
  type CompiledFlag,
  type FlagDefinition,
  type FlagSet,
  type FlagType,
  type KillSwitch,
  type RolloutDefinition,
  type RuleDefinition,
  type Segment,
  type SplitDefinition,
} from './flag-set.js';
import {
  FORBIDDEN_KEYS,
  type BucketingInput,
  type ConditionInput,
  type FlagFile,
  type FlagInput,
  type FullFlagInput,
  type RolloutInput,
  type ShorthandFlagInput,
  type SplitInput,
} from './schema.js';

/** What evaluate() reads; the program is internal, the rest is the public CompiledFlag. */
export interface FlagRuntime extends CompiledFlag {
  readonly program: FlagProgram;
}
export interface KillSwitchRuntime extends KillSwitch {
  readonly program: FlagProgram;
}

interface CompiledSegment extends Segment {
  readonly predicate: ContextPredicate;
  /** The predicate read in another dialect (launchdarkly, unleash mode), compiled on first use. */
  readonly inDialect: Map<ConditionDialect, ContextPredicate>;
}

/** Flags compiled between two pauses of compileFlagSetInSlices (about 10 ms of work each). */
export const COMPILE_SLICE_FLAGS = 500;

/** Compiles a schema-valid flag file. `id`/`version` fall back to the given defaults. */
export function compileFlagSet(file: FlagFile, source: string, defaults: { id: string; version: string }): FlagSet {
  const steps = compileSteps(file, file.flags ?? {}, source, defaults);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * compileFlagSet that awaits `pause()` every COMPILE_SLICE_FLAGS flags, so compiling 100k flags never holds
 * the event loop for long (a reload on a live server). Same result and errors as compileFlagSet. The flags
 * are `flags`, in order, read only as they are compiled (a worker's messages can be received slice by slice).
 */
export async function compileFlagSetInSlices(
  file: Omit<FlagFile, 'flags'>,
  flags: FlagEntries,
  source: string,
  defaults: { id: string; version: string },
  pause: () => Promise<void> = () => new Promise((resolve) => setTimeout(resolve, 0)),
): Promise<FlagSet> {
  const steps = compileSteps(file, flags, source, defaults);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await pause();
  }
}

/** The compiler; yields between slices of flags. */
function* compileSteps(
  file: Omit<FlagFile, 'flags'>,
  flagEntries: FlagEntries,
  source: string,
  defaults: { id: string; version: string },
): Generator<void, FlagSet> {
  const id = file.id ?? defaults.id;
  const version = file.version !== undefined ? String(file.version) : defaults.version;
  const setMetadata: FlagMetadata = Object.freeze({ ...file.metadata, flagSetId: id, flagSetVersion: version });
  const fail = (path: ConfigPath, message: string): never => {
    throw configError(source, path, message);
  };

  const segments = new Map<string, CompiledSegment>();
  for (const [key, seg] of Object.entries(file.segments ?? {})) {
    const predicate = compileConditions(seg.conditions, ['segments', key, 'conditions'], fail);
    segments.set(
      key,
      deepFreeze({
        key,
        ...(seg.description !== undefined ? { description: seg.description } : {}),
        conditions: seg.conditions,
        written: seg,
        predicate,
        inDialect: new Map<ConditionDialect, ContextPredicate>(),
      }),
    );
  }

  const flags = new Map<string, FlagRuntime>();
  let count = 0;
  if (Symbol.iterator in flagEntries) {
    for (const [key, input] of flagEntries) {
      flags.set(key, compileFlag(key, input, segments, setMetadata, fail, file.changeTypes, source));
      if (++count % COMPILE_SLICE_FLAGS === 0) yield;
    }
  } else {
    for (const key of Object.keys(flagEntries)) {
      flags.set(key, compileFlag(key, flagEntries[key]!, segments, setMetadata, fail, file.changeTypes, source));
      if (++count % COMPILE_SLICE_FLAGS === 0) yield;
    }
  }

  const killSwitches = new Map<string, KillSwitchRuntime>();
  for (const [key, input] of Object.entries(file.killSwitches ?? {})) {
    if (flags.has(key)) {
      fail(['killSwitches', key], `a flag named '${key}' exists too; a kill switch and a flag cannot share a key`);
    }
    const retryAfter = input.retryAfter ?? DEFAULT_RETRY_AFTER_S;
    const enabled = input.enabled ?? true;
    const flagMetadata = Object.freeze({ ...setMetadata, killSwitch: true, retryAfter });
    killSwitches.set(
      key,
      Object.freeze({
        key,
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(input.owner !== undefined ? { owner: input.owner } : {}),
        retryAfter,
        enabled,
        written: deepFreeze(input),
        flagMetadata,
        program: compileKillSwitchProgram({ key, enabled, retryAfter }, flagMetadata),
      }),
    );
  }

  return Object.freeze({
    id,
    version,
    source,
    flags: freezeMap(flags),
    segments: freezeMap(segments),
    killSwitches: freezeMap(killSwitches),
    flagMetadata: setMetadata,
  });
}

type Fail = (path: ConfigPath, message: string) => never;

/** A file's flags: its mapping, or its entries in order (read only as they are compiled). */
export type FlagEntries = Readonly<Record<string, FlagInput>> | Iterable<readonly [string, FlagInput]>;

/** The variants of every shorthand flag (shared: a set is frozen, and 100k copies cost more than the rest of compiling). */
const SHORTHAND_VARIANTS: Readonly<Record<string, FlagValue>> = Object.freeze({ on: true, off: false });
const NO_RULES: RuleDefinition[] = Object.freeze([]) as unknown as RuleDefinition[];
const NO_PREDICATES: readonly ContextPredicate[] = Object.freeze([]);

/** A definition with the rule predicates evaluation needs. */
interface Checked {
  type: FlagType;
  definition: FlagDefinition;
  predicates: readonly ContextPredicate[];
}

function compileFlag(
  key: string,
  input: FlagInput,
  segments: ReadonlyMap<string, CompiledSegment>,
  setMetadata: FlagMetadata,
  fail: Fail,
  changeTypes: FlagFile['changeTypes'],
  source: string,
): FlagRuntime {
  const shorthand = !('variants' in input);
  const bucketing = normalizeBucketing(key, input.bucketing, fail);
  const { type, definition, predicates } =
    shorthand && input.kind !== 'model-config' && !hasExtras(input, changeTypes)
      ? checkShorthand(key, input as ShorthandFlagInput, bucketing, fail)
      : checkFull(key, input, shorthand, bucketing, segments, fail, changeTypes);
  const flagMetadata: FlagMetadata =
    input.changeType !== undefined || input.metadata !== undefined
      ? Object.freeze({ ...setMetadata, ...input.metadata, ...(input.changeType !== undefined ? { changeType: input.changeType } : {}) })
      : setMetadata;
  const flag: Partial<Record<keyof FlagRuntime, unknown>> = { key, type };
  if (input.changeType !== undefined) flag.changeType = input.changeType;
  if (input.kind !== undefined) flag.kind = input.kind;
  if (input.description !== undefined) flag.description = input.description;
  if (input.owner !== undefined) flag.owner = input.owner;
  flag.definition = definition;
  flag.written = deepFreeze(input);
  flag.shorthand = shorthand;
  flag.flagMetadata = flagMetadata;
  flag.program = answeringAsFlagd(new LazyFlagProgram(key, definition, predicates, flagMetadata), source, key, input.description, definition);
  return Object.freeze(flag) as FlagRuntime;
}

/** Whether a flag carries named metrics (its own or its change type's), judges or prices: the shorthand fast path has none. */
function hasExtras(input: FlagInput, changeTypes: FlagFile['changeTypes']): boolean {
  return (
    input.metrics !== undefined ||
    input.judges !== undefined ||
    input.prices !== undefined ||
    input.shadow !== undefined ||
    (input.changeType !== undefined && changeTypes?.[input.changeType]?.metrics !== undefined)
  );
}

/** `{ enabled, percentage }`: variants on/off, `on` rolled out to `percentage` (default 100). Nothing but the percentage can be wrong. */
function checkShorthand(key: string, input: ShorthandFlagInput, bucketing: BucketingDefinition, fail: Fail): Checked {
  const percentage = input.percentage ?? 100;
  const step = rolloutStep(bucketing.hash);
  if (!isOnStep(percentage, step)) failPercent(percentage, ['flags', key, 'rollout', 'percentage'], fail, step, bucketing.hash);
  const definition = describedDefinition(input);
  definition.enabled = input.enabled ?? true;
  definition.variants = SHORTHAND_VARIANTS;
  definition.defaultVariant = 'off';
  definition.offVariant = 'off';
  definition.rollout = Object.freeze({ variant: 'on', percentage });
  definition.rules = NO_RULES;
  definition.bucketing = Object.freeze(bucketing);
  return { type: 'boolean', definition: Object.freeze(definition) as FlagDefinition, predicates: NO_PREDICATES };
}

/** The optional description, owner and changeType of a definition, first (the order definitions are read in). */
function describedDefinition(input: FlagInput): Partial<FlagDefinition> {
  const definition: Partial<FlagDefinition> = {};
  if (input.description !== undefined) definition.description = input.description;
  if (input.owner !== undefined) definition.owner = input.owner;
  if (input.changeType !== undefined) definition.changeType = input.changeType;
  return definition;
}

function checkFull(
  key: string,
  input: FlagInput,
  shorthand: boolean,
  bucketing: BucketingDefinition,
  segments: ReadonlyMap<string, CompiledSegment>,
  fail: Fail,
  changeTypes: FlagFile['changeTypes'],
): Checked {
  const at = (...rest: (string | number)[]): ConfigPath => ['flags', key, ...rest];
  const dialect = dialectOf(bucketing.hash);
  const full: FullFlagInput = shorthand
    ? {
        variants: { on: true, off: false },
        defaultVariant: 'off',
        offVariant: 'off',
        enabled: input.enabled ?? true,
        rollout: { variant: 'on', percentage: (input as { percentage?: number }).percentage ?? 100 },
      }
    : (input as FullFlagInput);

  const variantKeys = Object.keys(full.variants);
  if (variantKeys.length === 0) fail(at('variants'), 'expected at least one variant');
  const type = commonType(full.variants, at, fail);
  if (isModelConfigFlag(input, type))
    checkModelConfigVariants(full.variants, (variant, ...field) => at('variants', variant, ...(field as (string | number)[])), fail);
  const variantExists = (variant: string, path: ConfigPath): string =>
    Object.hasOwn(full.variants, variant) ? variant : fail(path, `variant '${variant}' is not defined; variants are: ${variantKeys.join(', ')}`);
  const defaultVariant = variantExists(full.defaultVariant, at('defaultVariant'));
  for (const variant of Object.keys(input.prices ?? {})) variantExists(variant, at('prices', variant));
  if (input.shadow) variantExists(input.shadow.variant, at('shadow', 'variant'));
  for (const variant of Object.keys(input.prices ?? {})) variantExists(variant, at('prices', variant));
  const offVariant = variantExists(full.offVariant ?? defaultVariant, at('offVariant'));
  if (full.rollout && full.split) fail(at('split'), 'a flag has either rollout or split, not both');

  const rollout = full.rollout && checkRollout(full.rollout, at('rollout'), variantExists, bucketing, fail);
  const split = full.split && checkSplit(full.split, at('split'), variantExists, bucketing, fail);

  const rules: RuleDefinition[] = [];
  const predicates: ContextPredicate[] = [];
  (full.rules ?? []).forEach((rule, i) => {
    const path = at('rules', i);
    const outcomes = [rule.variant, rule.rollout, rule.split].filter((o) => o !== undefined).length;
    if (outcomes !== 1) {
      fail(path, `expected exactly one of variant | rollout | split, got ${outcomes === 0 ? 'none' : outcomes}`);
    }
    const parts: ContextPredicate[] = [];
    if (rule.segment !== undefined) {
      const segment = segments.get(rule.segment);
      if (segment === undefined) {
        const known = [...segments.keys()];
        fail([...path, 'segment'], `segment '${rule.segment}' is not defined${known.length ? `; segments are: ${known.join(', ')}` : ''}`);
      }
      parts.push(segmentPredicate(segment, dialect, fail));
    }
    const conditions = rule.conditions ?? [];
    parts.push(compileConditions(conditions, [...path, 'conditions'], fail, dialect));
    predicates.push(allOf(parts));
    rules.push({
      ...(rule.name !== undefined ? { name: rule.name } : {}),
      ...(rule.segment !== undefined ? { segment: rule.segment } : {}),
      conditions,
      ...(rule.variant !== undefined ? { variant: variantExists(rule.variant, [...path, 'variant']) } : {}),
      ...(rule.rollout ? { rollout: checkRollout(rule.rollout, [...path, 'rollout'], variantExists, bucketing, fail) } : {}),
      ...(rule.split ? { split: checkSplit(rule.split, [...path, 'split'], variantExists, bucketing, fail) } : {}),
    });
  });

  const definition = describedDefinition(input);
  definition.enabled = full.enabled ?? true;
  // The written variants themselves (frozen with `written`): a copy per flag cost more than the rest of compiling it.
  definition.variants = full.variants as Record<string, FlagValue>;
  definition.defaultVariant = defaultVariant;
  definition.offVariant = offVariant;
  if (rollout) definition.rollout = rollout;
  if (split) definition.split = split;
  definition.rules = rules;
  definition.bucketing = bucketing;
  Object.assign(definition, flagMetrics(input.changeType ? changeTypes?.[input.changeType]?.metrics : undefined, input.metrics));
  if (input.judges && Object.keys(input.judges).length > 0) definition.judges = input.judges;
  if (input.prices && Object.keys(input.prices).length > 0) definition.prices = input.prices;
  if (input.shadow) definition.shadow = input.shadow;
  return { type, definition: deepFreeze(definition) as FlagDefinition, predicates };
}

function commonType(variants: Record<string, unknown>, at: (...p: string[]) => ConfigPath, fail: Fail): FlagType {
  let first: { key: string; type: FlagType } | undefined;
  for (const [key, value] of Object.entries(variants)) {
    const type = typeOfValue(value as FlagValue);
    if (type === undefined) fail(at('variants', key), `expected a boolean, string, number or JSON object, got ${describeValue(value)}`);
    if (first === undefined) first = { key, type };
    else if (type !== first.type) {
      fail(at('variants', key), `expected ${first.type === 'object' ? 'an' : 'a'} ${first.type} like variant '${first.key}', got ${describeValue(value)}`);
    }
  }
  return first?.type ?? 'boolean';
}

function normalizeBucketing(key: string, input: BucketingInput | undefined, fail: Fail): BucketingDefinition {
  if (input === undefined) return { hash: 'murmur3', by: 'targetingKey', salt: key, groupId: key };
  const at = (field: string): ConfigPath => ['flags', key, 'bucketing', field];
  const hash = input.hash ?? 'murmur3';
  const by = input.by ?? 'targetingKey';
  const path = parseAttributePath(by);
  if (path === undefined) fail(at('by'), `invalid attribute path '${by}'`);
  const forbidden = path.find((s) => FORBIDDEN_KEYS.has(s));
  if (forbidden !== undefined) fail(at('by'), `the attribute name '${forbidden}' is not allowed`);
  if (input.seed !== undefined && hash !== 'launchdarkly' && hash !== 'flagsmith') {
    fail(at('seed'), `seed applies to hash: launchdarkly or flagsmith only, got hash: ${hash}`);
  }
  if (input.groupId !== undefined && hash !== 'unleash') {
    fail(at('groupId'), `groupId applies to hash: unleash only, got hash: ${hash}`);
  }
  const salt = input.salt ?? key;
  return {
    hash,
    by,
    salt,
    ...(input.seed !== undefined ? { seed: input.seed } : {}),
    groupId: input.groupId ?? salt,
  };
}

/**
 * Percentages have 0.001 % resolution; md5 splits whole percents; unleash splits 0.1 % (its 1/1000 weights).
 * `hash` names the bucketing mode that limits the step, for the message.
 */
function checkPercent(p: number, path: ConfigPath, fail: Fail, step = 0.001, hash?: string): number {
  return isOnStep(p, step) ? p : failPercent(p, path, fail, step, hash);
}

function isOnStep(p: number, step: number): boolean {
  const units = p / step;
  return !(Math.abs(units - Math.round(units)) > 1e-6);
}

function failPercent(p: number, path: ConfigPath, fail: Fail, step: number, hash: string | undefined): never {
  const units = p / step;
  const what = step === 1 ? 'a whole number' : `a multiple of ${step}`;
  const nearest = Math.round(Math.round(units) * step * 1000) / 1000;
  const why = hash !== undefined && step > 0.001 ? ` (bucketing.hash ${hash} cannot express finer steps; nearest: ${nearest})` : '';
  return fail(path, `expected ${what} from 0 to 100, got ${p}${why}`);
}

/**
 * The finest rollout step a bucketing mode can serve: md5 reproduces `md5 % 100 < percentage` and unleash
 * buckets a rollout into 1..100, so both move in whole percents; the others in 0.001 %.
 */
function rolloutStep(hash: string): number {
  return hash === 'md5' || hash === 'unleash' ? 1 : 0.001;
}

function checkRollout(
  rollout: RolloutInput,
  path: ConfigPath,
  variantExists: (v: string, p: ConfigPath) => string,
  bucketing: BucketingDefinition,
  fail: Fail,
): RolloutDefinition {
  return {
    variant: variantExists(rollout.variant, [...path, 'variant']),
    percentage: checkPercent(rollout.percentage, [...path, 'percentage'], fail, rolloutStep(bucketing.hash), bucketing.hash),
  };
}

function checkSplit(
  split: SplitInput,
  path: ConfigPath,
  variantExists: (v: string, p: ConfigPath) => string,
  bucketing: BucketingDefinition,
  fail: Fail,
): SplitDefinition {
  const entries = Object.entries(split);
  if (entries.length === 0) fail(path, 'expected at least one weighted variant');
  const step = bucketing.hash === 'md5' ? 1 : bucketing.hash === 'unleash' ? 0.1 : 0.001;
  let sum = 0;
  for (const [variant, weight] of entries) {
    variantExists(variant, [...path, variant]);
    sum += checkPercent(weight, [...path, variant], fail, step, bucketing.hash);
  }
  if (bucketing.hash === 'flagd') {
    if (!(sum > 0)) fail(path, 'weights sum to 0; expected a positive total');
  } else if (Math.abs(sum - 100) > 1e-6) fail(path, `weights sum to ${Math.round(sum * 1000) / 1000}; expected 100`);
  return split;
}

function compileConditions(conditions: readonly ConditionInput[], path: ConfigPath, fail: Fail, dialect = AIFLAGS_DIALECT): ContextPredicate {
  return allOf(conditions.map((condition, i) => compileCondition(condition, (field, message) => fail([...path, i, ...field], message), dialect)));
}

/** A segment's predicate in a flag's dialect: segments are shared by flags of every bucketing mode. */
function segmentPredicate(segment: CompiledSegment, dialect: ConditionDialect, fail: Fail): ContextPredicate {
  if (dialect === AIFLAGS_DIALECT) return segment.predicate;
  let predicate = segment.inDialect.get(dialect);
  if (predicate === undefined) {
    predicate = compileConditions(segment.conditions, ['segments', segment.key, 'conditions'], fail, dialect);
    segment.inDialect.set(dialect, predicate);
  }
  return predicate;
}

function freezeMap<K, V>(map: Map<K, V>): ReadonlyMap<K, V> {
  const blocked = (): never => {
    throw new TypeError('a FlagSet is immutable');
  };
  map.set = blocked;
  map.delete = blocked;
  map.clear = blocked;
  return Object.freeze(map);
}

/** Freezes plain objects and arrays recursively (functions and compiled values are left alone). */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key in value) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== null && typeof v === 'object' && Object.hasOwn(value, key)) deepFreeze(v);
    }
  }
  return value;
}
