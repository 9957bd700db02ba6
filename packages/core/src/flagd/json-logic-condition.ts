/**
 * JSON Logic conditions as aiflags conditions in disjunctive normal form: a list of alternatives, each a
 * list of conditions that must all hold. `[]` never holds, `[[]]` always does. A rule that flagd answers
 * with null (wrong argument count, an unknown sem_ver operator) never holds, as null is falsy.
 */
import type { JsonValue } from '../evaluation/result.js';
import type { ConfigPath } from '../flags/config-path.js';
import type { ConditionInput, Operator } from '../flags/schema.js';
import { parseVersion } from '../rules/operators.js';
import { MAX_AFFIX_LENGTH, notEndingWith, notStartingWith } from './affix-complement.js';
import { resolveRef, type TargetingScope, varName } from './targeting-scope.js';

export type Dnf = ConditionInput[][];
export const NEVER: Dnf = [];
export const ALWAYS: Dnf = [[]];

/** Most alternatives one condition may expand to (`and` of `or`s multiplies them). */
const MAX_ALTERNATIVES = 64;

type Literal = string | number | boolean;

/** Both must hold. */
export function and(a: Dnf, b: Dnf, path: ConfigPath, scope: TargetingScope): Dnf {
  const out: Dnf = [];
  for (const x of a) for (const y of b) out.push([...x, ...y]);
  if (out.length > MAX_ALTERNATIVES) return scope.fail(path, `the condition expands to more than ${MAX_ALTERNATIVES} alternatives`);
  return out;
}

/** The aiflags conditions of a JSON Logic condition, as truthiness reads it. */
export function conditionOf(expr: JsonValue, path: ConfigPath, scope: TargetingScope, depth = 0, present: ReadonlySet<string> = NOTHING_PRESENT): Dnf {
  if (expr === null) return NEVER;
  if (typeof expr === 'boolean') return expr ? ALWAYS : NEVER;
  if (typeof expr !== 'object' || Array.isArray(expr)) return scope.fail(path, `expected a condition, got ${JSON.stringify(expr)}`);
  const keys = Object.keys(expr);
  if (keys.length !== 1) return scope.fail(path, `a JSON Logic rule has one operator, got ${keys.length === 0 ? 'none' : keys.join(', ')}`);
  const op = keys[0] as string;
  const raw = expr[op] as JsonValue;
  const args = Array.isArray(raw) ? raw : [raw];
  const at = [...path, op];
  switch (op) {
    case '$ref':
      return conditionOf(resolveRef(raw, at, scope, depth), at, scope, depth + 1, present);
    case 'and':
      return allOf(args, at, scope, depth, present);
    case 'or': {
      const out = args.flatMap((a, i) => conditionOf(a, [...at, i], scope, depth, present));
      return out.length > MAX_ALTERNATIVES ? scope.fail(at, `the condition expands to more than ${MAX_ALTERNATIVES} alternatives`) : out;
    }
    case '!':
      return negate(conditionOf(args[0] ?? null, [...at, 0], scope, depth, present), at, scope, present);
    case '!!':
      return conditionOf(args[0] ?? null, [...at, 0], scope, depth, present);
    case '==':
    case '===':
      return compare(args, 'equals', at, scope);
    case '!=':
    case '!==':
      return negate(compare(args, 'equals', at, scope), at, scope, present);
    case 'in':
      return inOf(args, at, scope);
    case '<':
    case '<=':
    case '>':
    case '>=':
      return missingIsZero(ordered(op, args, at, scope), at, scope, present);
    case 'starts_with':
    case 'ends_with':
      return affix(op, args, at, scope);
    case 'sem_ver':
      return semver(args, at, scope, false);
    default:
      return scope.fail(at, `the JSON Logic operator '${op}' has no aiflags equivalent`);
  }
}

/**
 * Where a rule used as the targeting itself yields `false` (the variant "false") rather than null (the
 * default). Only sem_ver tells the two apart in aiflags terms: false for a valid version that does not match.
 */
export function falseOf(expr: JsonValue, path: ConfigPath, scope: TargetingScope): Dnf {
  const obj = expr as Record<string, JsonValue>;
  const op = Object.keys(obj)[0] as string;
  const raw = obj[op] as JsonValue;
  const args = Array.isArray(raw) ? raw : [raw];
  if (op === 'sem_ver') return semver(args, [...path, op], scope, true);
  if ((op === 'starts_with' || op === 'ends_with') && args.length === 2 && typeof args[1] === 'string') {
    const attr = attributeOf(args[0], [...path, op, 0], scope);
    const pattern = op === 'starts_with' ? notStartingWith(args[1]) : notEndingWith(args[1]);
    if (attr !== undefined && pattern !== undefined) return atom(attr, 'matches', [pattern]);
  }
  return scope.fail(
    [...path, op],
    `targeting that is a bare '${op}' serves variant "true" or "false", and null (the default) when it cannot compare; aiflags can express that for sem_ver, and for starts_with / ends_with of an attribute and a text of 1 to ${MAX_AFFIX_LENGTH} characters (or wrap it in an "if")`,
  );
}

const NEGATED: Partial<Record<Operator, Operator>> = {
  in: 'not_in',
  not_in: 'in',
  equals: 'not_equals',
  not_equals: 'equals',
  contains: 'not_contains',
  not_contains: 'contains',
  lt: 'gte',
  gte: 'lt',
  lte: 'gt',
  gt: 'lte',
  semver_lt: 'semver_gte',
  semver_gte: 'semver_lt',
  semver_lte: 'semver_gt',
  semver_gt: 'semver_lte',
};

const NOTHING_PRESENT: ReadonlySet<string> = new Set();

/** `{"!=": [{"var": x}, null]}`: the attribute is there. */
function presenceTest(expr: JsonValue | undefined): string | undefined {
  if (expr === null || typeof expr !== 'object' || Array.isArray(expr)) return undefined;
  const pair = expr['!='] ?? expr['!=='];
  if (!Array.isArray(pair) || pair.length !== 2) return undefined;
  return pair[1] === null ? varName(pair[0]) : pair[0] === null ? varName(pair[1]) : undefined;
}

/** `and`; a presence test lets the other parts negate conditions on that attribute, as aiflags' negated operators need it. */
function allOf(args: JsonValue[], path: ConfigPath, scope: TargetingScope, depth: number, present: ReadonlySet<string>): Dnf {
  const tested = args.map(presenceTest);
  const inner = new Set([...present, ...tested.filter((a) => a !== undefined)]);
  let out = ALWAYS;
  args.forEach((a, i) => {
    if (tested[i] === undefined) out = and(out, conditionOf(a, [...path, i], scope, depth, inner), path, scope);
  });
  for (const attr of tested) {
    if (attr !== undefined && !out.every((alternative) => alternative.some((c) => c.attribute === attr))) {
      scope.fail([...path, tested.indexOf(attr)], `aiflags has no condition for '${attr}' being present alone; pair it with a condition on '${attr}'`);
    }
  }
  return out;
}

/**
 * Not: De Morgan over the alternatives; each condition flips to its negated operator. flagd's `!` also
 * holds when the attribute is missing, which no aiflags condition does: so only attributes the condition
 * first tests for presence (`present`) may be negated.
 */
export function negate(dnf: Dnf, path: ConfigPath, scope: TargetingScope, present: ReadonlySet<string> | 'any' = NOTHING_PRESENT): Dnf {
  let out: Dnf = ALWAYS;
  for (const alternative of dnf) {
    for (const c of alternative) {
      if (present !== 'any' && !present.has(c.attribute)) {
        scope.fail(
          path,
          `this negation also matches a context without '${c.attribute}' in flagd, and no aiflags condition matches a missing attribute; if such contexts should not match, write {"and": [{"!=": [{"var": "${c.attribute}"}, null]}, ...]}`,
        );
      }
    }
    const flipped: Dnf = alternative.flatMap((c) => negateCondition(c, path, scope));
    out = and(out, flipped, path, scope);
  }
  return out;
}

/** Whether every condition has a negated operator (negate would not refuse it). */
export function negatable(dnf: Dnf): boolean {
  return dnf.every((alternative) => alternative.every(hasNegation));
}

const SET_OPERATORS: ReadonlySet<Operator> = new Set(['in', 'not_in', 'equals', 'not_equals', 'contains', 'not_contains']);

/** "Any of the values" flips to "none of them" only for the set operators; the others are negated one value at a time. */
function hasNegation(c: ConditionInput): boolean {
  return SET_OPERATORS.has(c.op) || (c.values.length === 1 && (c.op === 'semver_eq' || NEGATED[c.op] !== undefined));
}

function negateCondition(c: ConditionInput, path: ConfigPath, scope: TargetingScope): Dnf {
  if (!hasNegation(c)) return scope.fail(path, `'${c.op}' cannot be negated in aiflags conditions`);
  if (c.op === 'semver_eq') return [[{ ...c, op: 'semver_lt' }], [{ ...c, op: 'semver_gt' }]];
  return [[{ ...c, op: NEGATED[c.op] as Operator }]];
}

function literal(x: JsonValue | undefined): x is Literal {
  return typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean';
}

function attributeOf(x: JsonValue | undefined, path: ConfigPath, scope: TargetingScope): string | undefined {
  const name = varName(x);
  if (name?.startsWith('$flagd.')) return scope.fail(path, `'${name}' is flagd's own property; aiflags conditions read the evaluation context`);
  return name;
}

function atom(attribute: string, op: Operator, values: Literal[]): Dnf {
  return [[{ attribute, op, values }]];
}

function compare(args: JsonValue[], op: 'equals' | 'not_equals', path: ConfigPath, scope: TargetingScope): Dnf {
  if (args.length !== 2) return scope.fail(path, `expected two arguments, got ${args.length}`);
  const [a, b] = args as [JsonValue, JsonValue];
  const attrA = attributeOf(a, [...path, 0], scope);
  const attrB = attributeOf(b, [...path, 1], scope);
  if (attrA !== undefined && literal(b)) return atom(attrA, op, [b]);
  if (attrB !== undefined && literal(a)) return atom(attrB, op, [a]);
  if (literal(a) && literal(b)) return (String(a) === String(b)) === (op === 'equals') ? ALWAYS : NEVER;
  return scope.fail(path, 'expected an attribute {"var": ...} compared with a string, number or boolean');
}

function inOf(args: JsonValue[], path: ConfigPath, scope: TargetingScope): Dnf {
  if (args.length !== 2) return scope.fail(path, `expected two arguments, got ${args.length}`);
  const [needle, haystack] = args as [JsonValue, JsonValue];
  const attr = attributeOf(needle, [...path, 0], scope);
  if (attr !== undefined && Array.isArray(haystack)) {
    if (!haystack.every(literal)) return scope.fail([...path, 1], 'expected a list of strings, numbers or booleans');
    return haystack.length === 0 ? NEVER : atom(attr, 'in', haystack as Literal[]);
  }
  const within = attributeOf(haystack, [...path, 1], scope);
  if (within !== undefined && typeof needle === 'string') return atom(within, 'contains', [needle]);
  return scope.fail(path, 'expected {"in": [{"var": attribute}, [values]]} or {"in": ["text", {"var": attribute}]}');
}

const AT_ZERO: Partial<Record<Operator, (bound: number) => boolean>> = {
  lt: (b) => 0 < b,
  lte: (b) => 0 <= b,
  gt: (b) => 0 > b,
  gte: (b) => 0 >= b,
};

/**
 * JSON Logic compares a missing attribute as 0, so `{"<": [{"var": "age"}, 18]}` holds without an age; no
 * aiflags condition matches a missing attribute. Exact only where 0 would not match, or after a presence test.
 */
function missingIsZero(dnf: Dnf, path: ConfigPath, scope: TargetingScope, present: ReadonlySet<string>): Dnf {
  const atZero = (c: ConditionInput) => AT_ZERO[c.op]?.(c.values[0] as number) === true;
  for (const alternative of dnf) {
    // Fine when another condition on the same attribute fails for a missing one (as every non-numeric one does).
    const loose = alternative.find((c) => atZero(c) && !present.has(c.attribute) && alternative.every((d) => d.attribute !== c.attribute || atZero(d)));
    if (loose === undefined) continue;
    const attr = loose.attribute;
    return scope.fail(
      path,
      `flagd compares a missing '${attr}' as 0, which this comparison matches and no aiflags condition does; write {"and": [{"!=": [{"var": "${attr}"}, null]}, ...]} if contexts without it should not match`,
    );
  }
  return dnf;
}

const ORDERED: Record<string, { op: Operator; flipped: Operator }> = {
  '<': { op: 'lt', flipped: 'gt' },
  '<=': { op: 'lte', flipped: 'gte' },
  '>': { op: 'gt', flipped: 'lt' },
  '>=': { op: 'gte', flipped: 'lte' },
};

function ordered(symbol: string, args: JsonValue[], path: ConfigPath, scope: TargetingScope): Dnf {
  const { op, flipped } = ORDERED[symbol] as { op: Operator; flipped: Operator };
  const number = (x: JsonValue | undefined): x is number => typeof x === 'number' && Number.isFinite(x);
  if (args.length === 3 && (symbol === '<' || symbol === '<=')) {
    const [low, mid, high] = args;
    const attr = attributeOf(mid, [...path, 1], scope);
    if (attr !== undefined && number(low) && number(high))
      return [
        [
          { attribute: attr, op: flipped, values: [low] },
          { attribute: attr, op, values: [high] },
        ],
      ];
  }
  if (args.length === 2) {
    const [a, b] = args as [JsonValue, JsonValue];
    const attrA = attributeOf(a, [...path, 0], scope);
    const attrB = attributeOf(b, [...path, 1], scope);
    if (attrA !== undefined && number(b)) return atom(attrA, op, [b]);
    if (attrB !== undefined && number(a)) return atom(attrB, flipped, [a]);
  }
  return scope.fail(path, `expected an attribute {"var": ...} compared with a number${symbol.startsWith('<') ? ' (or [low, attribute, high])' : ''}`);
}

function affix(op: 'starts_with' | 'ends_with', args: JsonValue[], path: ConfigPath, scope: TargetingScope): Dnf {
  // flagd answers null to any other argument count.
  if (args.length !== 2) return NEVER;
  const attr = attributeOf(args[0], [...path, 0], scope);
  const text = args[1];
  if (attr === undefined || typeof text !== 'string') return scope.fail(path, `expected [{"var": attribute}, "text"]`);
  return atom(attr, op, [text]);
}

/** sem_ver [attribute, op, version]; `^` is the same major version, `~` the same major and minor, as flagd has them. */
function semver(args: JsonValue[], path: ConfigPath, scope: TargetingScope, whenFalse: boolean): Dnf {
  if (args.length !== 3) return NEVER;
  let [left, symbol, right] = args as [JsonValue, JsonValue, JsonValue];
  let attr = attributeOf(left, [...path, 0], scope);
  if (attr === undefined) {
    attr = attributeOf(right, [...path, 2], scope);
    if (attr === undefined) return scope.fail(path, 'expected an attribute {"var": ...} on one side');
    [left, right] = [right, left];
    symbol = FLIPPED_SEMVER[String(symbol)] ?? symbol;
  }
  const version = typeof right === 'string' || typeof right === 'number' ? parseVersion(right) : null;
  if (version === null) return NEVER;
  const v = String(right);
  const lowest = (major: number, minor: number) => `${major}.${minor}.0-0`;
  const range = (from: string, to: string): Dnf =>
    whenFalse
      ? [[{ attribute: attr, op: 'semver_lt', values: [from] }], [{ attribute: attr, op: 'semver_gte', values: [to] }]]
      : [
          [
            { attribute: attr, op: 'semver_gte', values: [from] },
            { attribute: attr, op: 'semver_lt', values: [to] },
          ],
        ];
  const one = (op: Operator): Dnf => atom(attr, op, [v]);
  switch (String(symbol)) {
    case '=':
      return whenFalse ? [...one('semver_lt'), ...one('semver_gt')] : one('semver_eq');
    case '!=':
      return whenFalse ? one('semver_eq') : [...one('semver_lt'), ...one('semver_gt')];
    case '<':
      return one(whenFalse ? 'semver_gte' : 'semver_lt');
    case '<=':
      return one(whenFalse ? 'semver_gt' : 'semver_lte');
    case '>':
      return one(whenFalse ? 'semver_lte' : 'semver_gt');
    case '>=':
      return one(whenFalse ? 'semver_lt' : 'semver_gte');
    case '^':
      return range(lowest(version.major, 0), lowest(version.major + 1, 0));
    case '~':
      return range(lowest(version.major, version.minor), lowest(version.major, version.minor + 1));
    default:
      // flagd answers null to an unknown operator.
      return NEVER;
  }
}

const FLIPPED_SEMVER: Record<string, string> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=' };
