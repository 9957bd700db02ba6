import { flagsmithDefaultId } from '@aiflags/core';
import type { CompiledFlag, ExportProblem, ExportResult, FlagSet, FlagValue, KillSwitch, RuleDefinition, SplitDefinition } from '@aiflags/core';
import { type FlagsmithCatalogEntry, valueKey } from '../value-catalog.js';
import type {
  FlagsmithExport,
  FlagsmithFeature,
  FlagsmithFeatureState,
  FlagsmithMultivariateValue,
  FlagsmithSegment,
  FlagsmithSegmentRule,
  FlagsmithValue,
} from './flagsmith-data.js';
import { translateCondition } from './translate-condition.js';

/** The environment key written when no flag names one (no flag buckets in flagsmith mode). */
export const DEFAULT_ENVIRONMENT_KEY = 'aiflags';

/** What one flag needs from the whole export: fresh ids, the set's segments, and where to put Flagsmith's. */
interface Allocator {
  /** A feature id, segment id or multivariate id no seed uses. */
  nextId(): number;
  segments: FlagsmithSegment[];
  defined: FlagSet['segments'];
}

/**
 * A flag set → a Flagsmith environment document (plus the value catalog). Flags with `bucketing.hash:
 * flagsmith` keep every identity's variant: a rollout is a segment with a PERCENTAGE_SPLIT condition whose id
 * is the flag's seed, a split is a multivariate feature state whose `django_id` is the seed, and the document's
 * `api_key` is the flags' salt. Whatever Flagsmith cannot express the same way is listed in `problems`.
 */
export function exportToFlagsmith(set: FlagSet): ExportResult<FlagsmithExport> {
  const problems: ExportProblem[] = [];
  const environmentKey = environmentKeyOf(set, problems);
  const reserved = reservedSegmentIds(set, problems);
  let counter = 0;
  const allocator: Allocator = {
    nextId: () => {
      do counter++;
      while (reserved.has(counter));
      return counter;
    },
    segments: [],
    defined: set.segments,
  };
  const featureStates: FlagsmithFeatureState[] = [];
  const catalog: Record<string, FlagsmithCatalogEntry> = {};
  for (const flag of set.flags.values()) {
    featureStates.push(exportFlag(flag, allocator, problems));
    catalog[flag.key] = catalogEntry(flag, problems);
  }
  for (const killSwitch of set.killSwitches.values()) {
    featureStates.push(exportKillSwitch(killSwitch, allocator.nextId()));
    catalog[killSwitch.key] = { type: 'boolean', variants: { true: 'on', false: 'off' }, killSwitch: true, flagMetadata: { ...killSwitch.flagMetadata } };
  }
  return {
    data: {
      id: 1,
      api_key: environmentKey,
      name: set.id,
      project: {
        id: 1,
        name: set.id,
        hide_disabled_flags: false,
        organisation: { id: 1, name: 'aiflags', feature_analytics: false, stop_serving_flags: false, persist_trait_data: true },
        segments: allocator.segments,
      },
      feature_states: featureStates,
      identity_overrides: [],
      catalog,
    },
    problems,
  };
}

/** The id a flag's rollout segment and feature states carry: `bucketing.seed`, else one derived from its key. */
export function flagsmithIdOf(flag: CompiledFlag): number {
  return flag.definition.bucketing.seed ?? flagsmithDefaultId(flag.key);
}

function buckets(flag: CompiledFlag): boolean {
  const def = flag.definition;
  return def.rollout !== undefined || def.split !== undefined || def.rules.some((r) => r.rollout !== undefined || r.split !== undefined);
}

/** The environment key is the salt of the flags that bucket in flagsmith mode; they must agree. */
function environmentKeyOf(set: FlagSet, problems: ExportProblem[]): string {
  let key: string | undefined;
  for (const flag of set.flags.values()) {
    const { hash, salt } = flag.definition.bucketing;
    if (hash !== 'flagsmith' || !buckets(flag)) continue;
    if (key === undefined) key = salt;
    else if (salt !== key) {
      problems.push({
        flag: flag.key,
        field: 'bucketing.salt',
        message: `bucketing.salt is '${salt}' but another flag's is '${key}': in flagsmith mode the salt is the environment key, which one environment document has once; give every flagsmith flag the same salt`,
      });
    }
  }
  return key ?? DEFAULT_ENVIRONMENT_KEY;
}

/** Rollout segment ids (the seeds) stay out of the fresh ids; two flags with one seed would share a segment. */
function reservedSegmentIds(set: FlagSet, problems: ExportProblem[]): Set<number> {
  const owners = new Map<number, string>();
  for (const flag of set.flags.values()) {
    if (!hasRollout(flag)) continue;
    const id = flagsmithIdOf(flag);
    const owner = owners.get(id);
    if (owner !== undefined) {
      problems.push({ flag: flag.key, field: 'bucketing.seed', message: `seed ${id} is also flag '${owner}''s: each rollout needs a segment id of its own` });
    } else owners.set(id, flag.key);
  }
  return new Set(owners.keys());
}

function hasRollout(flag: CompiledFlag): boolean {
  return flag.definition.rollout !== undefined || flag.definition.rules.some((r) => r.rollout !== undefined);
}

function checkBucketing(flag: CompiledFlag, problems: ExportProblem[]): void {
  if (!buckets(flag)) return;
  const { hash, by } = flag.definition.bucketing;
  if (hash !== 'flagsmith') {
    problems.push({
      flag: flag.key,
      field: 'bucketing.hash',
      message: `bucketing.hash is ${hash}: Flagsmith assigns rollouts and splits with its own hash, so identities will get different variants; use bucketing.hash: flagsmith to keep every identity's variant`,
    });
  }
  if (by !== 'targetingKey') {
    problems.push({ flag: flag.key, field: 'bucketing.by', message: `bucketing.by is '${by}': Flagsmith buckets by the identity, so bucket by targetingKey` });
  }
  const rollouts = (flag.definition.rollout ? 1 : 0) + flag.definition.rules.filter((r) => r.rollout).length;
  if (rollouts > 1) {
    problems.push({
      flag: flag.key,
      field: 'rules',
      message: `has ${rollouts} rollouts: each is a Flagsmith segment with an id of its own, and only one can hash the flag's seed as the local flagsmith mode does`,
    });
  }
}

function exportFlag(flag: CompiledFlag, allocator: Allocator, problems: ExportProblem[]): FlagsmithFeatureState {
  const def = flag.definition;
  checkBucketing(flag, problems);
  const id = flagsmithIdOf(flag);
  const feature: FlagsmithFeature = { id: allocator.nextId(), name: flag.key, type: usesSplit(flag) ? 'MULTIVARIATE' : 'STANDARD' };
  const state = (variant: string, priority: number | null, split?: SplitDefinition): FlagsmithFeatureState => ({
    django_id: id,
    feature,
    ...served(flag, split ? lastVariant(split) : variant),
    multivariate_feature_state_values: split ? multivariate(flag, split, allocator) : [],
    feature_segment: priority === null ? null : { priority },
  });
  // A disabled flag serves its off variant to everyone: no override applies.
  if (!def.enabled) return { ...state(def.offVariant, null), enabled: flag.type === 'boolean' ? def.variants[def.offVariant] === true : false };
  const segment = (name: string, rules: FlagsmithSegmentRule[], override: FlagsmithFeatureState, segmentId = allocator.nextId()) =>
    allocator.segments.push({ id: segmentId, name, rules, feature_states: [override] });
  let priority = 0;
  def.rules.forEach((rule, i) => {
    const name = rule.name !== undefined ? `${flag.key}/${rule.name}` : `${flag.key}/rule-${i}`;
    const match = ruleConditions(flag, rule, i, allocator.defined, problems);
    if (rule.rollout) {
      // Inside the rollout: the rollout's variant; the rest of the rule's units get the default, not a later rule.
      if (rule.rollout.percentage > 0)
        segment(`${name}/rollout`, [{ ...match, conditions: [percentageSplit(rule.rollout.percentage)] }], state(rule.rollout.variant, priority++), id);
      segment(name, [match], state(def.defaultVariant, priority++));
    } else segment(name, [match], state(rule.variant ?? def.defaultVariant, priority++, rule.split));
  });
  if (def.rollout && def.rollout.percentage > 0) {
    segment(
      `${flag.key}/rollout`,
      [{ type: 'ALL', conditions: [percentageSplit(def.rollout.percentage)], rules: [] }],
      state(def.rollout.variant, priority++),
      id,
    );
  }
  return state(def.defaultVariant, null, def.split);
}

function usesSplit(flag: CompiledFlag): boolean {
  return flag.definition.split !== undefined || flag.definition.rules.some((r) => r.split !== undefined);
}

function percentageSplit(percentage: number) {
  return { operator: 'PERCENTAGE_SPLIT' as const, value: String(percentage) };
}

/** A condition Flagsmith cannot express matches nobody there: a lossy rule matches less, never more. */
const MATCHES_NOBODY: FlagsmithSegmentRule = { type: 'ALL', conditions: [{ operator: 'IN', property_: '$.identity.identifier', value: '[]' }], rules: [] };

/** A rule's segment and conditions as one ALL rule over one sub-rule per condition. */
function ruleConditions(flag: CompiledFlag, rule: RuleDefinition, i: number, defined: FlagSet['segments'], problems: ExportProblem[]): FlagsmithSegmentRule {
  const segmentConditions = rule.segment !== undefined ? (defined.get(rule.segment)?.conditions ?? []) : [];
  const rules = [
    ...segmentConditions.map((condition, c) => translateCondition(condition, { flag: `segment:${rule.segment}`, field: `conditions.${c}` }, problems)),
    ...rule.conditions.map((condition, c) => translateCondition(condition, { flag: flag.key, field: `rules.${i}.conditions.${c}` }, problems)),
  ].map((translated) => translated ?? MATCHES_NOBODY);
  return { type: 'ALL', conditions: [], rules };
}

/** Booleans are the feature's enabled state; other values are the feature-state value, objects as JSON text. */
function served(flag: CompiledFlag, variant: string): { enabled: boolean; feature_state_value: FlagsmithValue } {
  const value = flag.definition.variants[variant] as FlagValue;
  if (flag.type === 'boolean') return { enabled: value === true, feature_state_value: null };
  return { enabled: true, feature_state_value: flagsmithValue(value) };
}

function flagsmithValue(value: FlagValue): FlagsmithValue {
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : (value as FlagsmithValue);
}

/** The split's options in the order written, ids ascending so Flagsmith walks them in that order. */
function multivariate(flag: CompiledFlag, split: SplitDefinition, allocator: Allocator): FlagsmithMultivariateValue[] {
  return Object.entries(split).map(([variant, weight]) => ({
    id: allocator.nextId(),
    percentage_allocation: weight,
    multivariate_feature_option: { id: allocator.nextId(), value: flagsmithValue(flag.definition.variants[variant] as FlagValue) },
  }));
}

/** Past the last option (float rounding only) Flagsmith serves the control value, and the local mode the last variant. */
function lastVariant(split: SplitDefinition): string {
  const keys = Object.keys(split);
  return keys[keys.length - 1] as string;
}

function catalogEntry(flag: CompiledFlag, problems: ExportProblem[]): FlagsmithCatalogEntry {
  const def = flag.definition;
  const variants: Record<string, string> = {};
  for (const [variant, value] of Object.entries(def.variants)) {
    const key = valueKey(value);
    const taken = variants[key];
    if (taken !== undefined) {
      problems.push({
        flag: flag.key,
        field: `variants.${variant}`,
        message: `has the same value as variant '${taken}': Flagsmith answers with values only, so results would name '${taken}'`,
      });
    } else variants[key] = variant;
  }
  return {
    type: flag.type,
    variants,
    ...(def.rollout ? { rolloutSegment: `${flag.key}/rollout` } : {}),
    ...(def.split ? { topSplit: true } : {}),
    ...(def.rollout || def.split ? { fallthroughSplit: true } : {}),
    ...(def.rules.length > 0 ? { targeting: true } : {}),
    ...(def.enabled ? {} : { disabled: true }),
    flagMetadata: { ...flag.flagMetadata },
  };
}

function exportKillSwitch(killSwitch: KillSwitch, featureId: number): FlagsmithFeatureState {
  return {
    django_id: featureId,
    feature: { id: featureId, name: killSwitch.key, type: 'STANDARD' },
    enabled: killSwitch.enabled,
    feature_state_value: null,
    multivariate_feature_state_values: [],
    feature_segment: null,
  };
}
