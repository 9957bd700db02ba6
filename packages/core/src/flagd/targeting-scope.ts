/** What reading one flag's targeting needs: its key and variants, the file's $evaluators, and where to report. */
import type { JsonValue } from '../evaluation/result.js';
import type { ConfigPath } from '../flags/config-path.js';

export interface TargetingScope {
  flagKey: string;
  variants: ReadonlySet<string>;
  evaluators: Readonly<Record<string, JsonValue>>;
  fail: (path: ConfigPath, message: string) => never;
}

const MAX_REF_DEPTH = 16;

/** The evaluator a `$ref` names. */
export function resolveRef(name: JsonValue, path: ConfigPath, scope: TargetingScope, depth: number): JsonValue {
  if (typeof name !== 'string') return scope.fail(path, `expected the name of an evaluator, got ${JSON.stringify(name)}`);
  if (depth >= MAX_REF_DEPTH) return scope.fail(path, `$ref '${name}' nests more than ${MAX_REF_DEPTH} references deep`);
  if (!Object.hasOwn(scope.evaluators, name)) {
    const known = Object.keys(scope.evaluators);
    return scope.fail(path, `$ref '${name}' names no evaluator in $evaluators${known.length > 0 ? `; evaluators are: ${known.join(', ')}` : ''}`);
  }
  return scope.evaluators[name] as JsonValue;
}

/** `{var: "a.b"}` or `{var: ["a.b"]}` -> `a.b`. */
export function varName(expr: JsonValue | undefined): string | undefined {
  if (expr === null || typeof expr !== 'object' || Array.isArray(expr) || Object.keys(expr).length !== 1 || !Object.hasOwn(expr, 'var')) return undefined;
  const v = expr.var;
  const name = Array.isArray(v) ? (v.length === 1 ? v[0] : undefined) : v;
  return typeof name === 'string' && name !== '' ? name : undefined;
}
