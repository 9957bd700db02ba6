/**
 * From a schema-valid flag file to a frozen FlagSet: the cross-field checks the schema cannot express
 * (variants that exist, one value type per flag, weights summing to 100, 0.001 % resolution, safe
 * regexes…), the normalized definitions other packages read, and the compiled evaluation programs.
 */
import type { FlagMetadata, FlagValue } from '../evaluation/result.js';
import { compileFlagProgram, compileKillSwitchProgram, type FlagProgram } from '../evaluation/flag-program.js';
import { parseAttributePath } from '../rules/attribute-path.js';
import { allOf, compileCondition, type ContextPredicate } from '../rules/condition.js';
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
}

/** Flags compiled between two pauses of compileFlagSetInSlices (about 10 ms of work each). */
export const COMPILE_SLICE_FLAGS = 500;

/** Compiles a schema-valid flag file. `id`/`version` fall back to the given defaults. */
export function compileFlagSet(file: FlagFile, source: string, defaults: { id: string; version: string }): FlagSet {
  const steps = compileSteps(file, source, defaults);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * compileFlagSet that awaits `pause()` every COMPILE_SLICE_FLAGS flags, so compiling 100k flags never holds
 * the event loop for long (a reload on a live server). Same result and errors as compileFlagSet.
 */
export async function compileFlagSetInSlices(
  file: FlagFile,
  source: string,
  defaults: { id: string; version: string },
  pause: () => Promise<void> = () => new Promise((resolve) => setTimeout(resolve, 0)),
): Promise<FlagSet> {
  const steps = compileSteps(file, source, defaults);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await pause();
  }
}

/** The compiler; yields between slices of flags. */
function* compileSteps(file: FlagFile, source: string, defaults: { id: string; version: string }): Generator<void, FlagSet> {
  const id = file.id ?? defaults.id;
  const version = file.version !== undefined ? String(file.version) : defaults.version;
  const setMetadata: FlagMetadata = Object.freeze({ flagSetId: id, flagSetVersion: version });
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
      }),
    );
  }

  const flags = new Map<string, FlagRuntime>();
  let count = 0;
  for (const [key, input] of Object.entries(file.flags ?? {})) {
    flags.set(key, compileFlag(key, input, segments, setMetadata, fail, file.changeTypes));
    if (++count % COMPILE_SLICE_FLAGS === 0) yield;
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

function compileFlag(
  key: string,
  input: FlagInput,
  segments: ReadonlyMap<string, CompiledSegment>,
  setMetadata: FlagMetadata,
  fail: Fail,
  changeTypes: FlagFile['changeTypes'],
): FlagRuntime {
  const at = (...rest: (string | number)[]): ConfigPath => ['flags', key, ...rest];
  const shorthand = !('variants' in input);
  const bucketing = normalizeBucketing(key, input.bucketing, at, fail);
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
      parts.push(segment.predicate);
    }
    const conditions = rule.conditions ?? [];
    parts.push(compileConditions(conditions, [...path, 'conditions'], fail));
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

  const definition: FlagDefinition = deepFreeze({
    ...(input.description !== undefined ? { description: input.description } : {}),
    ...(input.owner !== undefined ? { owner: input.owner } : {}),
    ...(input.changeType !== undefined ? { changeType: input.changeType } : {}),
    enabled: full.enabled ?? true,
    // The written variants themselves (frozen with `written` below): a copy per flag cost more than the rest of compiling it.
    variants: full.variants as Record<string, FlagValue>,
    defaultVariant,
    offVariant,
    ...(rollout ? { rollout } : {}),
    ...(split ? { split } : {}),
    rules,
    bucketing,
    ...flagMetrics(input.changeType ? changeTypes?.[input.changeType]?.metrics : undefined, input.metrics),
    ...(input.judges && Object.keys(input.judges).length > 0 ? { judges: input.judges } : {}),
    ...(input.prices && Object.keys(input.prices).length > 0 ? { prices: input.prices } : {}),
  });
  const flagMetadata: FlagMetadata = input.changeType !== undefined ? Object.freeze({ ...setMetadata, changeType: input.changeType }) : setMetadata;
  return Object.freeze({
    key,
    type,
    ...(input.changeType !== undefined ? { changeType: input.changeType } : {}),
    ...(input.kind !== undefined ? { kind: input.kind } : {}),
    ...(input.description !== undefined ? { description: input.description } : {}),
    ...(input.owner !== undefined ? { owner: input.owner } : {}),
    definition,
    written: deepFreeze(input),
    shorthand,
    flagMetadata,
    program: compileFlagProgram(key, definition, predicates, flagMetadata),
  });
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

function normalizeBucketing(key: string, input: BucketingInput | undefined, at: (...p: string[]) => ConfigPath, fail: Fail): BucketingDefinition {
  const hash = input?.hash ?? 'murmur3';
  const by = input?.by ?? 'targetingKey';
  const path = parseAttributePath(by);
  if (path === undefined) fail(at('bucketing', 'by'), `invalid attribute path '${by}'`);
  const forbidden = path.find((s) => FORBIDDEN_KEYS.has(s));
  if (forbidden !== undefined) fail(at('bucketing', 'by'), `the attribute name '${forbidden}' is not allowed`);
  if (input?.seed !== undefined && hash !== 'launchdarkly') {
    fail(at('bucketing', 'seed'), `seed applies to hash: launchdarkly only, got hash: ${hash}`);
  }
  if (input?.groupId !== undefined && hash !== 'unleash') {
    fail(at('bucketing', 'groupId'), `groupId applies to hash: unleash only, got hash: ${hash}`);
  }
  const salt = input?.salt ?? key;
  return {
    hash,
    by,
    salt,
    ...(input?.seed !== undefined ? { seed: input.seed } : {}),
    groupId: input?.groupId ?? salt,
  };
}

/**
 * Percentages have 0.001 % resolution; md5 splits whole percents; unleash splits 0.1 % (its 1/1000 weights).
 * `hash` names the bucketing mode that limits the step, for the message.
 */
function checkPercent(p: number, path: ConfigPath, fail: Fail, step = 0.001, hash?: string): number {
  const units = p / step;
  if (Math.abs(units - Math.round(units)) > 1e-6) {
    const what = step === 1 ? 'a whole number' : `a multiple of ${step}`;
    const nearest = Math.round(Math.round(units) * step * 1000) / 1000;
    const why = hash !== undefined && step > 0.001 ? ` (bucketing.hash ${hash} cannot express finer steps; nearest: ${nearest})` : '';
    fail(path, `expected ${what} from 0 to 100, got ${p}${why}`);
  }
  return p;
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
  if (Math.abs(sum - 100) > 1e-6) fail(path, `weights sum to ${Math.round(sum * 1000) / 1000}; expected 100`);
  return split;
}

function compileConditions(conditions: readonly ConditionInput[], path: ConfigPath, fail: Fail): ContextPredicate {
  return allOf(conditions.map((condition, i) => compileCondition(condition, (field, message) => fail([...path, i, ...field], message))));
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
    for (const v of Object.values(value)) if (v !== null && typeof v === 'object') deepFreeze(v);
  }
  return value;
}
