/**
 * flagd targeting (JSON Logic) read into a decision tree aiflags can serve: `if` branches over conditions,
 * ending in a variant, nothing (flagd's null: the flag's default), or a fractional split. `$ref`s are
 * inlined, `if`s inside fractional buckets are lifted above the split, and whatever has no exact aiflags
 * equivalent is refused with the field it sits in.
 */
import type { JsonValue } from '../evaluation/result.js';
import type { ConfigPath } from '../flags/config-path.js';
import { type Dnf, conditionOf, falseOf } from './json-logic-condition.js';
import { FLAGD_GENERAL_ERROR_VARIANT, FLAGD_NULL_VARIANT } from './reserved-variants.js';
import { resolveRef, type TargetingScope, varName } from './targeting-scope.js';

export interface SplitArm {
  variant: string;
  weight: number;
}

export type TargetingNode =
  | { kind: 'variant'; variant: string }
  | { kind: 'none' }
  | { kind: 'split'; by: string; salt: string; arms: SplitArm[]; path: ConfigPath }
  | { kind: 'if'; cond: Dnf; yes: TargetingNode; no: TargetingNode; path: ConfigPath };

const NONE: TargetingNode = { kind: 'none' };

/** The decision tree of a flag's `targeting`. */
export function targetingTree(expr: JsonValue, path: ConfigPath, scope: TargetingScope, depth = 0): TargetingNode {
  if (expr === null) return NONE;
  if (typeof expr === 'string') return variantLeaf(expr, path, scope);
  if (typeof expr === 'boolean') return variantLeaf(String(expr), path, scope);
  if (typeof expr !== 'object' || Array.isArray(expr)) {
    return scope.fail(path, `expected a variant name or a JSON Logic rule, got ${JSON.stringify(expr)}`);
  }
  const keys = Object.keys(expr);
  if (keys.length === 0) return NONE;
  if (keys.length > 1) return scope.fail(path, `a JSON Logic rule has one operator, got ${keys.join(', ')}`);
  const op = keys[0] as string;
  const args = expr[op] as JsonValue;
  const at = [...path, op];
  if (op === '$ref') return targetingTree(resolveRef(args, at, scope, depth), at, scope, depth + 1);
  if (op === 'if') return ifTree(Array.isArray(args) ? args : [args], at, scope, depth);
  if (op === 'fractional') return fractionalTree(Array.isArray(args) ? args : [args], at, scope);
  // Any other rule yields a boolean, which flagd takes as the variant name "true" or "false".
  const cond = conditionOf(expr, path, scope);
  if (cond.length === 0) return NONE;
  const otherwise = falseOf(expr, path, scope);
  return {
    kind: 'if',
    cond,
    yes: variantLeaf('true', path, scope),
    no: otherwise.length === 0 ? NONE : { kind: 'if', cond: otherwise, yes: variantLeaf('false', path, scope), no: NONE, path },
    path,
  };
}

function variantLeaf(variant: string, path: ConfigPath, scope: TargetingScope): TargetingNode {
  if (!scope.variants.has(variant)) {
    return scope.fail(path, `targeting returns variant '${variant}', which is not defined; variants are: ${[...scope.variants].join(', ')}`);
  }
  return { kind: 'variant', variant };
}

/** `if [c1, t1, c2, t2, ..., else]`: else-ifs nest; a missing else is null. */
function ifTree(args: JsonValue[], path: ConfigPath, scope: TargetingScope, depth: number, from = 0): TargetingNode {
  const left = args.length - from;
  if (left <= 0) return NONE;
  if (left === 1) return targetingTree(args[from] as JsonValue, [...path, from], scope, depth);
  const condExpr = args[from] as JsonValue;
  const thenTree = targetingTree(args[from + 1] as JsonValue, [...path, from + 1], scope, depth);
  const elseTree = ifTree(args, path, scope, depth, from + 2);
  const fractional = fractionalCondition(condExpr);
  if (fractional !== undefined) return fractionalAsCondition(fractional, thenTree, elseTree, [...path, from, 'fractional'], scope);
  return { kind: 'if', cond: conditionOf(condExpr, [...path, from], scope), yes: thenTree, no: elseTree, path: [...path, from] };
}

function fractionalCondition(expr: JsonValue): JsonValue[] | undefined {
  if (expr === null || typeof expr !== 'object' || Array.isArray(expr)) return undefined;
  const keys = Object.keys(expr);
  if (keys.length !== 1 || keys[0] !== 'fractional') return undefined;
  const args = expr.fractional as JsonValue;
  return Array.isArray(args) ? args : [args];
}

/** `if [fractional [[true, w1], [false, w2]], A, B]`: the split itself, its buckets serving A or B. */
function fractionalAsCondition(args: JsonValue[], thenTree: TargetingNode, elseTree: TargetingNode, path: ConfigPath, scope: TargetingScope): TargetingNode {
  if (thenTree.kind !== 'variant' || elseTree.kind !== 'variant') {
    return scope.fail(path, 'a fractional used as a condition needs a variant on both branches');
  }
  const mapped = args.map((arm) => {
    if (!Array.isArray(arm)) return arm;
    const [value, ...rest] = arm;
    return [truthy(value) ? thenTree.variant : elseTree.variant, ...rest];
  });
  return fractionalTree(mapped, path, { ...scope, variants: new Set([thenTree.variant, elseTree.variant]) });
}

function truthy(value: JsonValue | undefined): boolean {
  if (Array.isArray(value)) return value.length > 0;
  return Boolean(value);
}

/** flagd's fractional: an optional seed expression, then `[variant, weight]` buckets (weight 1 when left out). */
function fractionalTree(args: JsonValue[], path: ConfigPath, scope: TargetingScope): TargetingNode {
  const seeded = args.length > 0 && !Array.isArray(args[0]);
  const unit = seeded ? seedOf(args[0] as JsonValue, [...path, 0], scope) : { by: 'targetingKey', salt: scope.flagKey };
  const buckets = seeded ? args.slice(1) : args;
  const offset = seeded ? 1 : 0;
  if (buckets.length === 0) return scope.fail(path, 'expected at least one [variant, weight] bucket');
  return liftBuckets(
    buckets.map((b, i) => bucketOf(b, [...path, i + offset], scope)),
    unit,
    path,
    scope,
  );
}

interface Bucket {
  variant: JsonValue;
  weight: JsonValue;
  path: ConfigPath;
}

function bucketOf(bucket: JsonValue, path: ConfigPath, scope: TargetingScope): Bucket {
  if (!Array.isArray(bucket) || bucket.length === 0 || bucket.length > 2) {
    return scope.fail(path, `expected a bucket [variant, weight] or [variant], got ${JSON.stringify(bucket)}`);
  }
  return { variant: bucket[0] as JsonValue, weight: bucket.length === 2 ? (bucket[1] as JsonValue) : 1, path };
}

/** An `if` in a bucket's variant or weight becomes an `if` over two splits, one per branch. */
function liftBuckets(buckets: Bucket[], unit: { by: string; salt: string }, path: ConfigPath, scope: TargetingScope): TargetingNode {
  for (let i = 0; i < buckets.length; i++) {
    const b = buckets[i] as Bucket;
    for (const part of ['variant', 'weight'] as const) {
      const branch = ifBranches(b[part]);
      if (branch === undefined) continue;
      const withPart = (value: JsonValue) => buckets.map((x, j) => (j === i ? { ...x, [part]: value } : x));
      const at = [...b.path, part === 'variant' ? 0 : 1, 'if'];
      return {
        kind: 'if',
        cond: conditionOf(branch.cond, [...at, 0], scope),
        yes: liftBuckets(withPart(branch.yes), unit, path, scope),
        no: liftBuckets(withPart(branch.no), unit, path, scope),
        path: at,
      };
    }
  }
  const chosen = buckets.findIndex((b) => varName(b.variant) !== undefined);
  if (chosen >= 0) return attributeVariant(buckets, chosen, unit, path, scope);
  return splitLeaf(buckets, unit, path, scope);
}

/**
 * A bucket whose variant is `{var: attr}`: an `if` per variant on `attr == variant`. flagd serves the
 * default for a missing attribute and answers GENERAL for one naming no variant.
 */
function attributeVariant(buckets: Bucket[], i: number, unit: { by: string; salt: string }, path: ConfigPath, scope: TargetingScope): TargetingNode {
  const b = buckets[i] as Bucket;
  const attr = varName(b.variant) as string;
  const at = [...b.path, 0];
  const served = (variant: string) =>
    liftBuckets(
      buckets.map((x, j) => (j === i ? { ...x, variant } : x)),
      unit,
      path,
      scope,
    );
  const named = [...scope.variants];
  const namesNone = conditionOf({ and: [{ '!=': [{ var: attr }, null] }, { '!': { in: [{ var: attr }, named] } }] }, at, scope);
  let tree: TargetingNode = { kind: 'if', cond: namesNone, yes: served(FLAGD_GENERAL_ERROR_VARIANT), no: served(FLAGD_NULL_VARIANT), path: at };
  for (const variant of named.reverse()) {
    tree = { kind: 'if', cond: conditionOf({ '==': [{ var: attr }, variant] }, at, scope), yes: served(variant), no: tree, path: at };
  }
  return tree;
}

function ifBranches(value: JsonValue): { cond: JsonValue; yes: JsonValue; no: JsonValue } | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, 'if')) return undefined;
  const args = value.if;
  if (!Array.isArray(args) || args.length < 2 || args.length > 3) return undefined;
  return { cond: args[0] as JsonValue, yes: args[1] as JsonValue, no: args.length === 3 ? (args[2] as JsonValue) : null };
}

/** The total weight of an exported rollout: 0.001 % steps. */
export const FLAGD_UNITS = 100_000;

/** flagd's bucket = (murmur3 × total weight) >> 32 over the integer weights in order; aiflags' flagd mode splits over them as written. */

function splitLeaf(buckets: Bucket[], unit: { by: string; salt: string }, path: ConfigPath, scope: TargetingScope): TargetingNode {
  const arms: SplitArm[] = [];
  let total = 0;
  for (const b of buckets) {
    const variant = typeof b.variant === 'boolean' ? String(b.variant) : b.variant;
    if (typeof variant !== 'string') {
      return scope.fail([...b.path, 0], `expected a variant name, got ${JSON.stringify(b.variant)}; aiflags splits between fixed variants`);
    }
    if (!scope.variants.has(variant) && variant !== FLAGD_GENERAL_ERROR_VARIANT && variant !== FLAGD_NULL_VARIANT)
      return scope.fail([...b.path, 0], `variant '${variant}' is not defined; variants are: ${[...scope.variants].join(', ')}`);
    if (typeof b.weight !== 'number' || !Number.isInteger(b.weight))
      return scope.fail([...b.path, 1], `expected an integer weight, got ${JSON.stringify(b.weight)}`);
    // flagd clamps a negative weight to 0.
    const weight = Math.max(0, b.weight);
    total += weight;
    if (weight === 0) continue;
    const last = arms[arms.length - 1];
    if (last?.variant === variant) last.weight += weight;
    else if (arms.some((a) => a.variant === variant)) {
      return scope.fail([...b.path, 0], `variant '${variant}' has two buckets apart; an aiflags split gives each variant one range`);
    } else arms.push({ variant, weight });
  }
  if (total === 0) return NONE;
  if (total > 2_147_483_647) return scope.fail(path, `weights sum to ${total}; flagd refuses more than 2^31 - 1`);
  return { kind: 'split', by: unit.by, salt: unit.salt, arms, path };
}

/** The seed expression: `{var: x}` hashes the attribute alone, `{cat: [seed, {var: x}]}` the seed then the attribute. */
function seedOf(expr: JsonValue, path: ConfigPath, scope: TargetingScope): { by: string; salt: string } {
  const attr = varName(expr);
  if (attr !== undefined && !attr.startsWith('$flagd.')) return { by: attr, salt: '' };
  if (expr !== null && typeof expr === 'object' && !Array.isArray(expr) && Object.keys(expr).length === 1 && Array.isArray(expr.cat) && expr.cat.length === 2) {
    const [seed, unit] = expr.cat as [JsonValue, JsonValue];
    const by = varName(unit);
    const salt = typeof seed === 'string' ? seed : varName(seed) === '$flagd.flagKey' ? scope.flagKey : undefined;
    if (by !== undefined && !by.startsWith('$flagd.') && salt !== undefined) return { by, salt };
  }
  return scope.fail(
    path,
    `the bucketing expression ${JSON.stringify(expr)} has no aiflags equivalent; expected {"var": attribute} or {"cat": [seed, {"var": attribute}]} (seed a string or {"var": "$flagd.flagKey"})`,
  );
}
