import { rolloutAllocation, splitAllocation } from '@aiflags/core';
import type { CompiledFlag, ExportProblem, ExportResult, FlagDefinition, FlagSet, KillSwitch, RuleDefinition, Segment, WeightedVariant } from '@aiflags/core';
import type {
  LaunchDarklyClause,
  LaunchDarklyExport,
  LaunchDarklyFlag,
  LaunchDarklyRule,
  LaunchDarklySegment,
  LaunchDarklyVariationOrRollout,
} from './launchdarkly-data.js';
import { attributeReference, translateCondition } from './translate-condition.js';

/** More alternatives than this (semver_lte/gte conditions multiply) is reported instead of written. */
const MAX_RULE_EXPANSION = 64;
/** Flag fields LaunchDarkly expects that aiflags has no counterpart for (targets, prerequisites, events). */
function notUsed(): Pick<
  LaunchDarklyFlag,
  'targets' | 'contextTargets' | 'prerequisites' | 'clientSide' | 'trackEvents' | 'trackEventsFallthrough' | 'deleted'
> {
  return {
    targets: [],
    contextTargets: [],
    prerequisites: [],
    clientSide: false,
    trackEvents: false,
    trackEventsFallthrough: false,
    deleted: false,
  };
}
/** LaunchDarkly weights are in 1/100000: percent × 1000. */
const WEIGHT_PER_PERCENT = 1000;

/**
 * A flag set → LaunchDarkly flag and segment JSON (plus the variant catalog). Flags with
 * `bucketing.hash: launchdarkly` keep every unit's variant; whatever LaunchDarkly cannot express the
 * same way is listed in `problems`, never dropped silently.
 */
export function exportToLaunchDarkly(set: FlagSet): ExportResult<LaunchDarklyExport> {
  const problems: ExportProblem[] = [];
  const data: LaunchDarklyExport = { flags: {}, segments: {}, catalog: {} };
  for (const segment of set.segments.values()) {
    data.segments[segment.key] = exportSegment(segment, problems);
  }
  for (const flag of set.flags.values()) {
    data.flags[flag.key] = exportFlag(flag, problems);
    data.catalog[flag.key] = {
      variants: Object.keys(flag.definition.variants),
      fallthroughRollout: flag.definition.rollout !== undefined || flag.definition.split !== undefined,
      targeting: flag.definition.rules.length > 0,
      flagMetadata: { ...flag.flagMetadata },
    };
  }
  for (const killSwitch of set.killSwitches.values()) {
    data.flags[killSwitch.key] = exportKillSwitch(killSwitch);
    data.catalog[killSwitch.key] = { variants: ['on', 'off'], flagMetadata: { ...killSwitch.flagMetadata } };
  }
  return { data, problems };
}

function exportFlag(flag: CompiledFlag, problems: ExportProblem[]): LaunchDarklyFlag {
  const def = flag.definition;
  const index = variationIndex(def);
  checkBucketing(flag, problems);
  const serve = (target: Pick<RuleDefinition, 'variant' | 'rollout' | 'split'>) => serveFor(target, def, index);
  const rules: LaunchDarklyRule[] = [];
  def.rules.forEach((rule, i) => {
    const alternatives = ruleClauses(rule, flag.key, i, problems);
    alternatives.forEach((clauses, j) => {
      rules.push({
        id: alternatives.length === 1 ? `${flag.key}.rule-${i}` : `${flag.key}.rule-${i}.${j}`,
        ...(rule.name !== undefined ? { description: rule.name } : {}),
        clauses,
        trackEvents: false,
        ...serve(rule),
      });
    });
  });
  return {
    key: flag.key,
    version: 1,
    on: def.enabled,
    variations: Object.values(def.variants),
    offVariation: index(def.offVariant),
    fallthrough: serve({ variant: def.defaultVariant, rollout: def.rollout, split: def.split }),
    rules,
    salt: def.bucketing.salt,
    ...notUsed(),
  };
}

// A rollout or split wins over the plain variant (the fallthrough passes defaultVariant along for the rest).
function serveFor(
  target: Pick<RuleDefinition, 'variant' | 'rollout' | 'split'>,
  def: FlagDefinition,
  index: (variant: string) => number,
): LaunchDarklyVariationOrRollout {
  const allocation: WeightedVariant[] | undefined = target.rollout
    ? rolloutAllocation(target.rollout, def.defaultVariant)
    : target.split
      ? splitAllocation(target.split)
      : undefined;
  if (!allocation) return { variation: index(target.variant ?? def.defaultVariant) };
  const { by, seed } = def.bucketing;
  return {
    rollout: {
      kind: 'rollout',
      contextKind: 'user',
      variations: toWeights(allocation).map(({ variant, weight }) => ({ variation: index(variant), weight })),
      ...(by !== 'targetingKey' ? { bucketBy: attributeReference(by) } : {}),
      // LaunchDarkly ignores a zero seed, and so does our launchdarkly bucketing.
      ...(seed ? { seed } : {}),
    },
  };
}

/** Percent weights → 1/100000 weights; float noise is absorbed by the last so the total stays 100000. */
function toWeights(allocation: readonly WeightedVariant[]): { variant: string; weight: number }[] {
  const weights = allocation.map(({ variant, weight }) => ({ variant, weight: Math.round(weight * WEIGHT_PER_PERCENT) }));
  const total = weights.reduce((sum, w) => sum + w.weight, 0);
  const last = weights[weights.length - 1];
  if (last && total !== 100 * WEIGHT_PER_PERCENT) last.weight += 100 * WEIGHT_PER_PERCENT - total;
  return weights;
}

function variationIndex(def: FlagDefinition): (variant: string) => number {
  const keys = Object.keys(def.variants);
  return (variant) => keys.indexOf(variant);
}

function usesBucketing(def: FlagDefinition): boolean {
  return def.rollout !== undefined || def.split !== undefined || def.rules.some((r) => r.rollout !== undefined || r.split !== undefined);
}

function checkBucketing(flag: CompiledFlag, problems: ExportProblem[]): void {
  const { hash } = flag.definition.bucketing;
  if (hash === 'launchdarkly' || !usesBucketing(flag.definition)) return;
  problems.push({
    flag: flag.key,
    field: 'bucketing.hash',
    message: `bucketing.hash is ${hash}: LaunchDarkly assigns rollouts and splits with its own hash, so units will get different variants; use bucketing.hash: launchdarkly to keep every unit's variant`,
  });
}

/** A rule's clauses, as one or more alternatives (LaunchDarkly rules) that each serve the same thing. */
function ruleClauses(rule: RuleDefinition, flagKey: string, i: number, problems: ExportProblem[]): LaunchDarklyClause[][] {
  const segment: LaunchDarklyClause[][] = rule.segment
    ? [[{ contextKind: 'user', attribute: 'key', op: 'segmentMatch', values: [rule.segment], negate: false }]]
    : [[]];
  const conditions = rule.conditions.map((condition, c) => translateCondition(condition, { flag: flagKey, field: `rules.${i}.conditions.${c}` }, problems));
  return expand(segment, conditions, { flag: flagKey, field: `rules.${i}` }, problems);
}

/** AND of ORs → OR of ANDs: each alternative is one LaunchDarkly rule (or segment rule). */
function expand(
  start: LaunchDarklyClause[][],
  conditions: LaunchDarklyClause[][][],
  where: Omit<ExportProblem, 'message'>,
  problems: ExportProblem[],
): LaunchDarklyClause[][] {
  let result = start;
  for (const alternatives of conditions) {
    if (alternatives.length === 0) continue;
    result = result.flatMap((clauses) => alternatives.map((alt) => [...clauses, ...alt]));
  }
  if (result.length > MAX_RULE_EXPANSION) {
    problems.push({
      ...where,
      message: `needs ${result.length} LaunchDarkly rules to express its semver_lte/semver_gte conditions (at most ${MAX_RULE_EXPANSION} are written); only the first ${MAX_RULE_EXPANSION} were kept`,
    });
    return result.slice(0, MAX_RULE_EXPANSION);
  }
  return result;
}

function exportSegment(segment: Segment, problems: ExportProblem[]): LaunchDarklySegment {
  const where = { flag: `segment:${segment.key}`, field: 'conditions' };
  const conditions = segment.conditions.map((condition, c) => translateCondition(condition, { ...where, field: `conditions.${c}` }, problems));
  const alternatives = expand([[]], conditions, where, problems);
  return {
    key: segment.key,
    version: 1,
    included: [],
    excluded: [],
    rules: alternatives.map((clauses, j) => ({ id: `${segment.key}.rule-${j}`, clauses })),
    salt: segment.key,
    deleted: false,
  };
}

/** A kill switch is a boolean flag: variation 0 = true (on), 1 = false (off, served when turned off). */
function exportKillSwitch(killSwitch: KillSwitch): LaunchDarklyFlag {
  return {
    key: killSwitch.key,
    version: 1,
    on: killSwitch.enabled,
    variations: [true, false],
    offVariation: 1,
    fallthrough: { variation: 0 },
    rules: [],
    salt: killSwitch.key,
    ...notUsed(),
  };
}
