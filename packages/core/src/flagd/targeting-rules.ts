/**
 * A targeting decision tree as aiflags rules: first match wins, so an `else` needs no negated condition
 * unless its `then` can end in nothing (flagd's null), where the rules after it must not catch the unit.
 */
import type { ConditionInput, RuleInput } from '../flags/schema.js';
import { type Dnf, ALWAYS, and, negatable, negate } from './json-logic-condition.js';
import type { TargetingNode } from './targeting-tree.js';
import type { TargetingScope } from './targeting-scope.js';

/**
 * The conditions a fractional bucket adds: flagd buckets only a string (anything else is null, the default)
 * and aiflags only a non-empty one (a missing unit would be an error). Two string tests, cheaper than a regex.
 */
export function unitConditions(by: string): ConditionInput[] {
  return [
    { attribute: by, op: 'starts_with', values: [''] },
    { attribute: by, op: 'not_equals', values: [''] },
  ];
}

/** The number of trailing conditions that are unitConditions(by) (0 or 2). */
export function unitConditionCount(conditions: readonly ConditionInput[], by: string): number {
  const [a, b] = conditions.slice(-2);
  const is = (c: ConditionInput | undefined, op: string) => c?.attribute === by && c.op === op && c.values.length === 1 && c.values[0] === '';
  return is(a, 'starts_with') && is(b, 'not_equals') ? 2 : 0;
}

/**
 * A rule that never matches, kept for targeting that always answers null: flagd then says DEFAULT (targeting
 * ran), where an aiflags flag without rules would say STATIC.
 */
export const NEVER_PATTERN = '[^\\s\\S]';

export function neverRule(): RuleInput {
  return { name: 'flagd targeting that never matches', conditions: [{ attribute: 'targetingKey', op: 'matches', values: [NEVER_PATTERN] }], variant: '' };
}

export interface TargetingRules {
  rules: RuleInput[];
  /** The unit and seed of the splits, when there are any (one per flag in aiflags). */
  bucketing?: { by: string; salt: string };
}

export function targetingRules(tree: TargetingNode, scope: TargetingScope): TargetingRules {
  const out: TargetingRules = { rules: [] };
  emit(tree, ALWAYS, out, scope);
  return out;
}

/** True for the rule neverRule() writes. */
export function isNeverRule(conditions: readonly ConditionInput[]): boolean {
  return conditions.some((c) => c.op === 'matches' && c.values.length === 1 && c.values[0] === NEVER_PATTERN);
}

function emit(node: TargetingNode, guard: Dnf, out: TargetingRules, scope: TargetingScope): void {
  switch (node.kind) {
    case 'none':
      return;
    case 'variant':
      for (const conditions of guard) out.rules.push(rule(cheapestFirst(conditions), { variant: node.variant }));
      return;
    case 'split': {
      const b = out.bucketing;
      if (b !== undefined && (b.by !== node.by || b.salt !== node.salt)) {
        scope.fail(
          node.path,
          `this fractional buckets by '${node.by}' with seed '${node.salt}', another by '${b.by}' with seed '${b.salt}'; an aiflags flag buckets one way`,
        );
      }
      out.bucketing = { by: node.by, salt: node.salt };
      const split = Object.fromEntries(node.arms.map((a) => [a.variant, a.weight]));
      for (const conditions of guard) out.rules.push(rule([...cheapestFirst(conditions), ...unitConditions(node.by)], { split }));
      return;
    }
    case 'if': {
      emit(node.yes, and(guard, node.cond, node.path, scope), out, scope);
      const gap = uncovered(node.yes);
      if (gap === 'never' || (gap !== 'somewhere' && onlyWithUnit(node.no, gap))) {
        emit(node.no, guard, out, scope);
      } else if (gap === 'somewhere') {
        emit(node.no, and(guard, negate(node.cond, node.path, scope), node.path, scope), out, scope);
      } else {
        // The split before serves nothing to a unit without the bucketing attribute: the rules after it catch
        // every unit that has it, and the others where the condition is false (see README: flagd differences).
        const otherwise: Dnf = [unitConditions(gap.unit), ...(negatable(node.cond) ? negate(node.cond, node.path, scope, 'any') : [])];
        emit(node.no, and(guard, otherwise, node.path, scope), out, scope);
      }
      return;
    }
  }
}

function rule(conditions: ConditionInput[], outcome: Pick<RuleInput, 'variant' | 'split'>): RuleInput {
  return conditions.length > 0 ? { conditions, ...outcome } : { ...outcome };
}

/** Relative cost of an operator per evaluation: a version is parsed on every call, a string compared. */
const COST: Partial<Record<ConditionInput['op'], number>> = {
  semver_eq: 2,
  semver_lt: 2,
  semver_lte: 2,
  semver_gt: 2,
  semver_gte: 2,
  before: 2,
  after: 2,
  matches: 3,
};

/** The conditions of one rule, cheapest first: all must hold, and evaluation stops at the first that does not. */
function cheapestFirst(conditions: ConditionInput[]): ConditionInput[] {
  return conditions
    .map((c, i) => ({ c, i, cost: COST[c.op] ?? 1 }))
    .sort((a, b) => a.cost - b.cost || a.i - b.i)
    .map((x) => x.c);
}

/** Where a node serves nothing: never, only to units without the named bucketing attribute, or anywhere. */
function uncovered(node: TargetingNode): 'never' | 'somewhere' | { unit: string } {
  switch (node.kind) {
    case 'variant':
      return 'never';
    case 'none':
      return 'somewhere';
    case 'split':
      return { unit: node.by };
    case 'if': {
      const a = uncovered(node.yes);
      const b = uncovered(node.no);
      if (a === 'somewhere' || b === 'somewhere') return 'somewhere';
      if (a === 'never') return b;
      if (b === 'never' || b.unit === a.unit) return a;
      return 'somewhere';
    }
  }
}

/** Every rule the node emits needs the unit: it cannot catch a unit an earlier split left without one. */
function onlyWithUnit(node: TargetingNode, gap: { unit: string }): boolean {
  switch (node.kind) {
    case 'none':
      return true;
    case 'variant':
      return false;
    case 'split':
      return node.by === gap.unit;
    case 'if':
      return onlyWithUnit(node.yes, gap) && onlyWithUnit(node.no, gap);
  }
}
