import { rolloutAllocation, splitAllocation } from '@aiflags/core';
import type { CompiledFlag, ConditionDefinition, ExportProblem, ExportResult, FlagSet, FlagValue, KillSwitch } from '@aiflags/core';
import { conditionToConstraints, contextNameOf } from './constraints.js';
import type {
  UnleashConstraint,
  UnleashContextField,
  UnleashFeatureStrategy,
  UnleashImport,
  UnleashPayload,
  UnleashStrategyVariant,
} from './unleash-import-format.js';

export interface UnleashExportOptions {
  /** Environment named in featureEnvironments (the import request picks the real one). Default 'development'. */
  environment?: string;
}

/** Context fields every Unleash server knows. */
const BUILT_IN_FIELDS = new Set(['userId', 'sessionId', 'remoteAddress', 'environment', 'appName', 'currentTime']);

/** A strategy before it is written: ANDed constraints, a whole-percent rollout, variants with percent weights. */
interface PlannedStrategy {
  constraints: UnleashConstraint[];
  /** Percent (0-100). */
  rollout: number;
  /** Percent weights, in bucket order. */
  variants: Array<{ variant: string; weight: number }>;
  /** Where it came from, for problem messages: `rules[0]`, `rollout`, `split`, `defaultVariant`. */
  field: string;
  /** The written rollout or split needs a hash (a percentage strictly between 0 and 100, or several variants). */
  bucketed: boolean;
  /**
   * From a rollout or split: written with the flag's stickiness, so that (as in unleash mode) it serves
   * nothing to a context without the stickiness field. A fixed variant is written with `default`
   * stickiness, which Unleash always serves at 100 %.
   */
  sticky: boolean;
}

/**
 * A flag set → Unleash's feature import format (POST /api/admin/features-batch/import, or the UI's
 * import). Each flag becomes a feature with ordered flexibleRollout strategies (rules first, then the
 * rollout or split, then the default variant) whose strategy variants carry the values as payloads;
 * segments are written inline as constraints; kill switches become kill-switch features. Anything that
 * Unleash would evaluate differently is listed in `problems`, never dropped silently.
 */
export function exportToUnleash(set: FlagSet, options: UnleashExportOptions = {}): ExportResult<UnleashImport> {
  const environment = options.environment ?? 'development';
  const problems: ExportProblem[] = [];
  const data: UnleashImport = {
    features: [],
    featureStrategies: [],
    featureEnvironments: [],
    contextFields: [],
    featureTags: [],
    segments: [],
    tagTypes: [],
    dependencies: [],
  };
  const contextFields = new Map<string, UnleashContextField>();
  const useField = (name: string, stickiness: boolean) => {
    if (BUILT_IN_FIELDS.has(name)) return;
    const known = contextFields.get(name);
    if (known) known.stickiness ||= stickiness;
    else contextFields.set(name, { name, description: 'Used by flags exported from aiflags', stickiness, legalValues: [] });
  };

  for (const flag of set.flags.values()) {
    const problem = (field: string, message: string) => problems.push({ flag: flag.key, field, message });
    const def = flag.definition;
    const planned = planStrategies(flag, set, problem);
    const stickiness = def.bucketing.by === 'targetingKey' ? 'default' : contextNameOf(def.bucketing.by);
    if (stickiness !== 'default') useField(stickiness, true);
    if (def.bucketing.hash !== 'unleash' && planned.some((s) => s.bucketed)) {
      problem(
        'bucketing.hash',
        `bucketing is '${def.bucketing.hash}'; Unleash hashes murmur3("<groupId>:<unit>"), so users would change variants. Set bucketing: { hash: unleash } and let it run before migrating`,
      );
    }
    const strategies = flag.type === 'boolean' ? booleanStrategies(flag, planned, problem) : planned;
    if (!def.enabled) {
      const off = def.variants[def.offVariant];
      if (flag.type !== 'boolean' || off !== false) {
        problem('enabled', `the flag is off; Unleash serves the caller's default (booleans: false) for a disabled feature, not offVariant '${def.offVariant}'`);
      }
    }
    strategies.forEach((planned, sortOrder) => {
      for (const c of planned.constraints) useField(c.contextName, false);
      data.featureStrategies.push(writeStrategy(flag, planned, sortOrder, stickiness, problem));
    });
    const description = describeFlag(flag);
    data.features.push({
      name: flag.key,
      type: def.split || def.rules.some((r) => r.split) ? 'experiment' : 'release',
      ...(description ? { description } : {}),
      impressionData: false,
    });
    data.featureEnvironments.push({ name: flag.key, featureName: flag.key, environment, enabled: def.enabled, variants: [] });
  }

  for (const ks of set.killSwitches.values()) exportKillSwitch(ks, data, environment, problems);
  data.contextFields = [...contextFields.values()];
  return { data, problems };
}

/** The strategies in evaluation order, for any flag type; unsupported rules are reported and left out. */
function planStrategies(flag: CompiledFlag, set: FlagSet, problem: (field: string, message: string) => void): PlannedStrategy[] {
  const def = flag.definition;
  const out: PlannedStrategy[] = [];
  const fixed = (variant: string) => [{ variant, weight: 100 }];
  const outcome = (
    field: string,
    constraints: UnleashConstraint[],
    body: { variant?: string; rollout?: { variant: string; percentage: number }; split?: Readonly<Record<string, number>> },
  ) => {
    if (body.rollout) {
      const [treated, rest] = rolloutAllocation(body.rollout, def.defaultVariant);
      const { percentage } = body.rollout;
      const bucketed = percentage > 0 && percentage < 100;
      out.push({
        constraints,
        rollout: wholePercent(percentage, `${field}.percentage`, problem),
        variants: fixed(treated!.variant),
        field,
        bucketed,
        sticky: true,
      });
      out.push({ constraints, rollout: 100, variants: fixed(rest!.variant), field, bucketed: false, sticky: true });
    } else if (body.split) {
      // In name order, as the server stores them and as the local `unleash` mode buckets them.
      const variants = splitAllocation(body.split, 'unleash').filter((v) => v.weight > 0);
      out.push({ constraints, rollout: 100, variants, field, bucketed: variants.length > 1, sticky: true });
    } else {
      out.push({ constraints, rollout: 100, variants: fixed(body.variant ?? def.defaultVariant), field, bucketed: false, sticky: false });
    }
  };

  def.rules.forEach((rule, i) => {
    const field = `rules[${i}]`;
    const label = rule.name ? `rule '${rule.name}'` : field;
    const conditions: Array<{ condition: ConditionDefinition; field: string }> = [];
    if (rule.segment) {
      const segment = set.segments.get(rule.segment);
      segment?.conditions.forEach((condition, j) => {
        conditions.push({ condition, field: `${field}.segment (${rule.segment}).conditions[${j}]` });
      });
    }
    rule.conditions.forEach((condition, j) => {
      conditions.push({ condition, field: `${field}.conditions[${j}]` });
    });
    const constraints: UnleashConstraint[] = [];
    let skipped = false;
    for (const { condition, field: conditionField } of conditions) {
      const translated = conditionToConstraints(condition, { missingMatchesNegated: def.bucketing.hash === 'unleash' });
      if (translated.unsupported) {
        problem(conditionField, `${translated.unsupported}; ${label} is left out of the export`);
        skipped = true;
        break;
      }
      for (const caveat of translated.caveats) problem(conditionField, caveat);
      constraints.push(...translated.constraints);
    }
    if (!skipped) outcome(field, constraints, rule);
  });
  if (def.rollout) outcome('rollout', [], { rollout: def.rollout });
  else if (def.split) outcome('split', [], { split: def.split });
  else outcome('defaultVariant', [], { variant: def.defaultVariant });
  return out;
}

/**
 * Booleans are read with isEnabled: a feature is on when any strategy matches. So only strategies that
 * serve `true` are written; a strategy serving `false` is exact only if no later one could serve `true`.
 */
function booleanStrategies(flag: CompiledFlag, planned: PlannedStrategy[], problem: (field: string, message: string) => void): PlannedStrategy[] {
  const value = (variant: string) => flag.definition.variants[variant] === true;
  const kind = (s: PlannedStrategy) => (s.variants.every((v) => value(v.variant)) ? 'on' : s.variants.every((v) => !value(v.variant)) ? 'off' : 'mixed');
  const out: PlannedStrategy[] = [];
  planned.forEach((s, i) => {
    const k = kind(s);
    if (k === 'on') {
      out.push(s);
      return;
    }
    if (k === 'mixed') {
      const on = s.variants.filter((v) => value(v.variant)).reduce((sum, v) => sum + v.weight, 0);
      problem(
        s.field,
        `a split between true and false is written as a ${on} % rollout: Unleash buckets rollouts with another hash seed than variants, so users change values`,
      );
      out.push({ ...s, rollout: Math.floor(on), variants: s.variants.filter((v) => value(v.variant)).slice(0, 1) });
      return;
    }
    if (planned.slice(i + 1).some((later) => kind(later) !== 'off')) {
      problem(
        s.field,
        `serves false here, but Unleash strategies are OR'ed: users it matches would get true from a later strategy (${planned
          .slice(i + 1)
          .filter((later) => kind(later) !== 'off')
          .map((later) => later.field)
          .join(', ')})`,
      );
    }
  });
  return out;
}

function writeStrategy(
  flag: CompiledFlag,
  planned: PlannedStrategy,
  sortOrder: number,
  flagStickiness: string,
  problem: (field: string, message: string) => void,
): UnleashFeatureStrategy {
  const def = flag.definition;
  const stickiness = planned.sticky ? flagStickiness : 'default';
  const variants: UnleashStrategyVariant[] =
    flag.type === 'boolean'
      ? // A boolean needs no variant; one is written only to keep a variant name other than 'on'.
        planned.variants[0] && planned.variants[0].variant !== 'on'
        ? [{ name: planned.variants[0].variant, weight: 1000, weightType: 'variable', stickiness }]
        : []
      : planned.variants.map(({ variant, weight }, i, all) => {
          const perMille = Math.round(weight * 10);
          if (perMille !== weight * 10 && Math.abs(perMille - weight * 10) > 1e-9) {
            problem(`${planned.field}.${variant}`, `Unleash variant weights are whole tenths of a percent: ${weight} % is written as ${perMille / 10} %`);
          }
          const last = i === all.length - 1;
          const payload = payloadOf(def.variants[variant] as FlagValue);
          return {
            name: variant,
            weight: last ? 1000 - all.slice(0, -1).reduce((s, v) => s + Math.round(v.weight * 10), 0) : perMille,
            // The server needs one 'variable' variant and gives it what the fixed ones leave.
            weightType: last ? 'variable' : 'fix',
            stickiness,
            ...(payload ? { payload } : {}),
          };
        });
  return {
    name: 'flexibleRollout',
    featureName: flag.key,
    title: planned.field,
    parameters: { rollout: String(planned.rollout), stickiness, groupId: def.bucketing.groupId },
    constraints: planned.constraints,
    variants,
    segments: [],
    sortOrder,
    disabled: false,
  };
}

function exportKillSwitch(ks: KillSwitch, data: UnleashImport, environment: string, problems: ExportProblem[]): void {
  data.features.push({
    name: ks.key,
    type: 'kill-switch',
    description: ks.description ?? `aiflags kill switch (retryAfter ${ks.retryAfter} s)`,
    impressionData: false,
  });
  data.featureStrategies.push({
    name: 'flexibleRollout',
    featureName: ks.key,
    title: 'on',
    parameters: { rollout: '100', stickiness: 'default', groupId: ks.key },
    constraints: [],
    variants: [],
    segments: [],
    sortOrder: 0,
    disabled: false,
  });
  data.featureEnvironments.push({ name: ks.key, featureName: ks.key, environment, enabled: ks.enabled, variants: [] });
  if (ks.retryAfter !== 300) {
    problems.push({
      flag: ks.key,
      field: 'retryAfter',
      message: `Unleash carries no retryAfter; refused callers get the guard's default (300 s), not ${ks.retryAfter} s`,
    });
  }
}

/** Variant value → strategy variant payload: strings and numbers typed, objects and arrays as JSON. */
export function payloadOf(value: FlagValue): UnleashPayload | undefined {
  switch (typeof value) {
    case 'string':
      return { type: 'string', value };
    case 'number':
      return { type: 'number', value: String(value) };
    case 'object':
      return { type: 'json', value: JSON.stringify(value) };
    default:
      return undefined;
  }
}

/** Unleash rollouts are whole percents; buckets are whole too (1-100), so floor keeps exactly the same users. */
function wholePercent(percentage: number, field: string, problem: (field: string, message: string) => void): number {
  const whole = Math.floor(percentage);
  if (whole !== percentage) {
    problem(field, `Unleash rollouts are whole percents: ${percentage} % is written as ${whole} %${whole === 0 ? ' (nobody)' : ''}`);
  }
  return whole;
}

function describeFlag(flag: CompiledFlag): string {
  const parts = [flag.description, flag.changeType && `changeType: ${flag.changeType}`, flag.owner && `owner: ${flag.owner}`];
  return parts.filter(Boolean).join(' · ');
}
