/** Conditions and segments compiled once into predicates over an evaluation context. */
import type { EvaluationContext } from '../evaluation/result.js';
import type { ConditionInput } from '../flags/schema.js';
import { FORBIDDEN_KEYS } from '../flags/schema.js';
import { parseAttributePath, readAttribute } from './attribute-path.js';
import { AIFLAGS_DIALECT, type ConditionDialect } from './condition-dialect.js';
import { OPERATOR_DEFINITIONS, type ValuePredicate } from './operators.js';

export type ContextPredicate = (ctx: EvaluationContext) => boolean;
/** Reports a problem in a condition at parse time (field relative to the condition): never returns. */
export type ConditionProblem = (field: (string | number)[], message: string) => never;

/**
 * A missing attribute makes every condition false, negated ones included (as in LaunchDarkly), unless the
 * dialect says otherwise (Unleash: a negated condition holds). An array attribute matches when any element
 * does (`not_*`: when none does). `inverted` flips the operator's negation.
 */
export function compileCondition(condition: ConditionInput, problem: ConditionProblem, dialect: ConditionDialect = AIFLAGS_DIALECT): ContextPredicate {
  const path = parseAttributePath(condition.attribute);
  if (path === undefined) problem(['attribute'], `invalid attribute path '${condition.attribute}'`);
  const forbidden = path.find((s) => FORBIDDEN_KEYS.has(s));
  if (forbidden !== undefined) problem(['attribute'], `the attribute name '${forbidden}' is not allowed`);
  const operator = OPERATOR_DEFINITIONS[condition.op];
  if (operator === undefined) problem(['op'], `unknown operator '${String(condition.op)}'`);
  const caseInsensitive = condition.caseInsensitive === true;
  if (caseInsensitive && operator.caseFolds !== true) {
    problem(['caseInsensitive'], `caseInsensitive applies to starts_with, ends_with, contains, not_contains and matches, not to ${condition.op}`);
  }
  const test = operator.compile(condition.values, (i, message) => problem(['values', i], message), { strictNumbers: dialect.strictNumbers, caseInsensitive });
  const negated = (operator.negated === true) !== (condition.inverted === true);
  const missing = negated && dialect.missingMatchesNegated;
  if (path.length === 1) {
    const name = path[0] as string;
    return (ctx) => {
      // Own properties only: an attribute inherited from a polluted Object.prototype is no attribute.
      const v = Object.hasOwn(ctx, name) ? ctx[name] : undefined;
      if (v === undefined || v === null || typeof v === 'function') return missing;
      return anyMatches(v, test) !== negated;
    };
  }
  const indexArrays = dialect.indexArrays;
  return (ctx) => {
    const v = readAttribute(ctx, path, indexArrays);
    if (v === undefined || v === null) return missing;
    return anyMatches(v, test) !== negated;
  };
}

function anyMatches(v: unknown, test: ValuePredicate): boolean {
  if (!Array.isArray(v)) return test(v);
  for (let i = 0; i < v.length; i++) if (test(v[i])) return true;
  return false;
}

/** AND of predicates; the empty list always holds. */
export function allOf(predicates: readonly ContextPredicate[]): ContextPredicate {
  if (predicates.length === 0) return () => true;
  if (predicates.length === 1) return predicates[0] as ContextPredicate;
  if (predicates.length === 2) {
    const [a, b] = predicates as [ContextPredicate, ContextPredicate];
    return (ctx) => a(ctx) && b(ctx);
  }
  if (predicates.length === 3) {
    const [a, b, c] = predicates as [ContextPredicate, ContextPredicate, ContextPredicate];
    return (ctx) => a(ctx) && b(ctx) && c(ctx);
  }
  return (ctx) => {
    for (let i = 0; i < predicates.length; i++) if (!(predicates[i] as ContextPredicate)(ctx)) return false;
    return true;
  };
}
