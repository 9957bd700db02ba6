/**
 * A flag compiled into the function evaluation runs: live overlay, rules in order, then the top-level
 * rollout/split. Built once per flag at parse time; every result it can return without an error is
 * precomputed, so the hot path is a few property reads, the rule predicates and one hash.
 */
import { splitAllocation } from '../bucketing/allocation.js';
import { createRolloutBucketer, createSplitBucketer, type BucketingSettings, type SplitBucketer } from '../bucketing/bucketers.js';
import { createUnitReader } from '../bucketing/unit.js';
import type { FlagDefinition, KillSwitch, RolloutDefinition, SplitDefinition } from '../flags/flag-set.js';
import type { LiveState } from '../live-state/index.js';
import type { ContextPredicate } from '../rules/condition.js';
import type { EvaluationContext, EvaluationResult, FlagMetadata } from './result.js';
import { ErrorCodes, Reasons } from './result.js';
import { errorResult, makeResult } from './results.js';

export interface FlagProgram {
  evaluate(ctx: EvaluationContext, live: LiveState | undefined): EvaluationResult;
}

/**
 * Serves a result for a context; `percentage` (0-100) replaces a rollout's own when >= 0, and a split
 * re-splits the units of `dropped` arms among the others. `undefined`: serves nothing (unleash mode,
 * no stickiness id), so a rule falls through to the next.
 */
type Outcome = (ctx: EvaluationContext, percentage: number, dropped?: readonly unknown[]) => EvaluationResult | undefined;

const NO_OVERRIDE = -1;

/** An own entry of a live-state record (never one inherited from Object.prototype). */
function ownEntry<T>(record: Record<string, T> | undefined, key: string): T | undefined {
  return record !== undefined && record !== null && Object.hasOwn(record, key) ? record[key] : undefined;
}

export function compileFlagProgram(
  key: string,
  def: FlagDefinition,
  rulePredicates: readonly ContextPredicate[],
  flagMetadata: Readonly<FlagMetadata>,
): FlagProgram {
  // Results are built per reason the flag can serve (a flag with no rules never needs TARGETING_MATCH ones):
  // compiling 100k flags is mostly allocation.
  const byReason = (reason: string): ReadonlyMap<string, EvaluationResult> => {
    const results = new Map<string, EvaluationResult>();
    for (const v of Object.keys(def.variants)) results.set(v, makeResult(def.variants[v], v, reason, flagMetadata));
    return results;
  };
  const disabled = makeResult(def.variants[def.offVariant], def.offVariant, Reasons.DISABLED, flagMetadata);
  const by = def.bucketing.by;
  let unitErrors: { missingUnit: EvaluationResult; invalidUnit: EvaluationResult } | undefined;
  /** The two results of a flag that buckets, for a context without a usable unit; built once, by the first outcome that buckets. */
  const bucketingErrors = () =>
    (unitErrors ??= {
      missingUnit: errorResult(ErrorCodes.TARGETING_KEY_MISSING, `flag '${key}' buckets by '${by}', which the evaluation context lacks`, flagMetadata),
      invalidUnit: errorResult(ErrorCodes.INVALID_CONTEXT, `flag '${key}' buckets by '${by}', which must be a non-empty string or an integer`, flagMetadata),
    });
  const units = createUnitReader(def.bucketing.hash, by);
  const unitOf = units.read;
  const bucketZero = units.absent === 'bucket-zero';
  const serveNothing = units.absent === 'serve-nothing';
  const settings: BucketingSettings = {
    hash: def.bucketing.hash,
    flagKey: key,
    salt: def.bucketing.salt,
    groupId: def.bucketing.groupId,
    ...(def.bucketing.seed !== undefined ? { seed: def.bucketing.seed } : {}),
  };

  const rolloutOutcome = (rollout: RolloutDefinition, results: ReadonlyMap<string, EvaluationResult>): Outcome => {
    const bucketer = createRolloutBucketer(settings);
    const { missingUnit, invalidUnit } = bucketingErrors();
    const treated = results.get(rollout.variant) as EvaluationResult;
    const untreated = results.get(def.defaultVariant) as EvaluationResult;
    const own = rollout.percentage;
    return (ctx, override) => {
      const percentage = override >= 0 ? override : own;
      // Unleash writes the rollout's two halves with the same stickiness: without an id neither serves.
      const unit = serveNothing || (percentage > 0 && percentage < 100) ? unitOf(ctx) : '';
      if (serveNothing && typeof unit !== 'string') return undefined;
      if (percentage <= 0) return untreated;
      if (percentage >= 100) return treated;
      if (typeof unit !== 'string') {
        if (bucketZero) return treated;
        return unit === undefined ? missingUnit : invalidUnit;
      }
      return bucketer.inRollout(unit, percentage) ? treated : untreated;
    };
  };

  const splitOutcome = (split: SplitDefinition, results: ReadonlyMap<string, EvaluationResult>): Outcome => {
    const entries = splitAllocation(split, settings.hash);
    const bucketer = createSplitBucketer(
      settings,
      entries.map((e) => e.weight),
    );
    const served = entries.map((e) => results.get(e.variant) as EvaluationResult);
    const { missingUnit, invalidUnit } = bucketingErrors();
    // One re-split per set of dropped arms, built on first use: a unit whose arm was dropped is bucketed
    // again, under a salt of its own, over the remaining arms' weights; other units keep their arm.
    // The live state's array is the same object until the state changes, so evaluation looks it up by
    // identity and only a new state pays for the join; the content key shares one bucketer across states.
    type Resplit = { keep: boolean[]; bucketer: SplitBucketer; remaining: EvaluationResult[] } | null;
    const resplits = new Map<string, Resplit>();
    const byArray = new WeakMap<readonly unknown[], Resplit>();
    const resplitFor = (dropped: readonly unknown[]): Resplit => {
      const known = byArray.get(dropped);
      if (known !== undefined) return known;
      const id = dropped.map((x) => (typeof x === 'string' ? x : '')).join('\u0000');
      let r = resplits.get(id);
      if (r === undefined) {
        const keep = entries.map((e) => !dropped.includes(e.variant));
        const left = entries.filter((_, i) => keep[i] && entries[i]!.weight > 0);
        const salted = { ...settings, flagKey: `${key}#resplit`, salt: `${settings.salt}#resplit`, groupId: `${settings.groupId}#resplit` };
        r =
          left.length === 0 || keep.every(Boolean)
            ? null
            : {
                keep,
                bucketer: createSplitBucketer(salted, rescale(left.map((e) => e.weight))),
                remaining: left.map((e) => results.get(e.variant) as EvaluationResult),
              };
        if (resplits.size < 64) resplits.set(id, r);
      }
      byArray.set(dropped, r);
      return r;
    };
    // Bucket 0 (launchdarkly mode, no bucketable value) is the first arm with weight, as LaunchDarkly's running sum finds it.
    const zeroArm = Math.max(
      0,
      entries.findIndex((e) => e.weight > 0),
    );
    return (ctx, _percentage, dropped) => {
      const unit = unitOf(ctx);
      const zero = typeof unit !== 'string';
      if (zero && !bucketZero) {
        if (serveNothing) return undefined;
        return unit === undefined ? missingUnit : invalidUnit;
      }
      const arm = zero ? zeroArm : bucketer.pick(unit);
      if (dropped === undefined) return served[arm] as EvaluationResult;
      const r = resplitFor(dropped);
      if (r === null || r.keep[arm]) return served[arm] as EvaluationResult;
      return r.remaining[zero ? 0 : r.bucketer.pick(unit)] as EvaluationResult;
    };
  };

  const fixed =
    (result: EvaluationResult): Outcome =>
    () =>
      result;

  // OpenFeature's definitions: DEFAULT when targeting ran and matched nothing, STATIC when there was none to run.
  const fallbackReason = def.rules.length > 0 ? Reasons.DEFAULT : Reasons.STATIC;
  const top: Outcome = def.rollout
    ? rolloutOutcome(def.rollout, byReason(Reasons.SPLIT))
    : def.split
      ? splitOutcome(def.split, byReason(Reasons.SPLIT))
      : fixed(makeResult(def.variants[def.defaultVariant], def.defaultVariant, fallbackReason, flagMetadata));

  const matchResults = def.rules.length > 0 ? byReason(Reasons.TARGETING_MATCH) : new Map<string, EvaluationResult>();
  const ruleOutcomes: Outcome[] = def.rules.map((rule) =>
    rule.rollout
      ? rolloutOutcome(rule.rollout, matchResults)
      : rule.split
        ? splitOutcome(rule.split, matchResults)
        : fixed(matchResults.get(rule.variant as string) as EvaluationResult),
  );
  const ruleCount = ruleOutcomes.length;
  // What a promoted variant serves (the reason the default has): built on the first promotion only.
  let promotedByVariant: Record<string, EvaluationResult> | undefined;
  const promotedResult = (variant: string) => ownEntry((promotedByVariant ??= Object.fromEntries(byReason(fallbackReason))), variant);
  const fileEnabled = def.enabled;

  return {
    evaluate(ctx, live) {
      let enabled = fileEnabled;
      let percentage = NO_OVERRIDE;
      let promoted: EvaluationResult | undefined;
      let dropped: readonly unknown[] | undefined;
      if (live !== undefined) {
        const o = ownEntry(live.flags, key);
        if (o !== undefined && o !== null) {
          // Own properties only: a polluted Object.prototype must not switch a flag off or move its rollout.
          const e = ownEntry(o as Record<string, unknown>, 'enabled');
          if (typeof e === 'boolean') enabled = e;
          const p = ownEntry(o as Record<string, unknown>, 'percentage');
          if (typeof p === 'number' && p >= 0 && p <= 100) percentage = p;
          const v = ownEntry(o as Record<string, unknown>, 'variant');
          if (typeof v === 'string') promoted = promotedResult(v);
          const d = ownEntry(o as Record<string, unknown>, 'droppedVariants');
          // Entries that are not variant names match no arm and so drop nothing.
          if (Array.isArray(d) && d.length > 0) dropped = d;
        }
      }
      if (!enabled) return disabled;
      for (let i = 0; i < ruleCount; i++) {
        if ((rulePredicates[i] as ContextPredicate)(ctx)) {
          const served = (ruleOutcomes[i] as Outcome)(ctx, NO_OVERRIDE);
          if (served !== undefined) return served;
        }
      }
      if (promoted !== undefined) return promoted;
      return top(ctx, percentage, dropped) ?? bucketingErrors().missingUnit;
    },
  };
}

/** Weights scaled to sum to 100, as the bucketers expect of a split. */
function rescale(weights: number[]): number[] {
  let total = 0;
  for (const w of weights) total += w;
  return weights.map((w) => (w * 100) / total);
}

/** A kill switch: `on` (STATIC) unless killed in live state or `enabled: false` in the file (DISABLED). */
export function compileKillSwitchProgram(ks: Pick<KillSwitch, 'key' | 'enabled' | 'retryAfter'>, flagMetadata: Readonly<FlagMetadata>): FlagProgram {
  const on = makeResult(true, 'on', Reasons.STATIC, flagMetadata);
  const off = makeResult(false, 'off', Reasons.DISABLED, flagMetadata);
  // The last killed state seen and its result: a kill lasts many evaluations, so this is usually a hit.
  let lastState: unknown;
  let lastReason: unknown;
  let lastRetry: unknown;
  let lastResult = off;
  return {
    evaluate(_ctx, live) {
      if (live !== undefined) {
        const s = ownEntry(live.killSwitches, ks.key);
        if (s !== undefined && s !== null && ownEntry(s as unknown as Record<string, unknown>, 'killed') === true) {
          // Compared field by field too: a store may update the same object in place.
          if (s !== lastState || s.reason !== lastReason || s.retryAfter !== lastRetry) {
            const meta: FlagMetadata = {
              ...flagMetadata,
              killSwitch: true,
              retryAfter: typeof s.retryAfter === 'number' ? s.retryAfter : ks.retryAfter,
            };
            if (typeof s.reason === 'string') meta.killReason = s.reason;
            lastResult = makeResult(false, 'killed', Reasons.DISABLED, Object.freeze(meta));
            lastState = s;
            lastReason = s.reason;
            lastRetry = s.retryAfter;
          }
          return lastResult;
        }
      }
      return ks.enabled ? on : off;
    },
  };
}
