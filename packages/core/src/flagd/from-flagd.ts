/**
 * A flagd flag document as an aiflags FlagFile. flagd's null or missing defaultVariant and its disabled
 * flags serve the caller's default: both become the CODE_DEFAULT_VARIANT. What has no exact aiflags
 * equivalent throws a FlagConfigError naming the file, the flag and the field.
 */
import type { FlagValue, JsonValue } from '../evaluation/result.js';
import { type ConfigPath, configError, describeValue } from '../flags/config-path.js';
import { typeOfValue } from '../flags/flag-set.js';
import { type FlagFile, type FullFlagInput, KEY_PATTERN } from '../flags/schema.js';
import { CODE_DEFAULT_VARIANT } from './code-default.js';
import { FLAGD_PARSE_ERROR_VARIANT, FLAGD_RESERVED_VARIANTS } from './reserved-variants.js';
import type { FlagdMetadata } from './flagd-document.js';
import { neverRule, targetingRules } from './targeting-rules.js';
import type { TargetingScope } from './targeting-scope.js';
import { type TargetingNode, targetingTree } from './targeting-tree.js';

const DOCUMENT_KEYS = new Set(['$schema', 'flags', '$evaluators', 'metadata']);
const FLAG_KEYS = new Set(['state', 'variants', 'defaultVariant', 'targeting', 'metadata']);

const RESERVED_VARIANTS = new Set([CODE_DEFAULT_VARIANT, ...FLAGD_RESERVED_VARIANTS]);

type Fail = (path: ConfigPath, message: string) => never;

/** Translates a parsed flagd document (`file` names it in errors). */
export function flagFileFromFlagd(value: unknown, file: string): FlagFile {
  const fail: Fail = (path, message) => {
    throw configError(file, path, message);
  };
  const doc = objectAt(value, [], fail);
  for (const key of Object.keys(doc)) if (!DOCUMENT_KEYS.has(key)) fail([key], `not a flagd document field; expected ${[...DOCUMENT_KEYS].join(', ')}`);
  const evaluators = (doc.$evaluators === undefined ? {} : objectAt(doc.$evaluators, ['$evaluators'], fail)) as Record<string, JsonValue>;
  const flags = objectAt(doc.flags ?? {}, ['flags'], fail);
  const out: FlagFile = {};
  const metadata = doc.metadata === undefined ? undefined : metadataAt(doc.metadata, ['metadata'], fail);
  if (metadata !== undefined) {
    const { flagSetId, ...rest } = metadata;
    if (typeof flagSetId === 'string' && flagSetId !== '') out.id = flagSetId;
    if (typeof rest.version === 'string' || typeof rest.version === 'number') out.version = rest.version;
    if (Object.keys(rest).length > 0) out.metadata = rest;
  }
  out.flags = {};
  for (const [key, flag] of Object.entries(flags)) {
    if (!KEY_PATTERN.test(key)) fail(['flags', key], "aiflags flag keys are letters, digits, '_', '.' or '-'");
    out.flags[key] = flagFromFlagd(
      key,
      flag,
      evaluators,
      (path, message) => fail(['flags', key, ...path], message),
      (path, message) => configError(file, ['flags', key, ...path], message).message,
    );
  }
  return out;
}

function flagFromFlagd(
  key: string,
  value: unknown,
  evaluators: Record<string, JsonValue>,
  fail: Fail,
  describe: (path: ConfigPath, message: string) => string,
): FullFlagInput {
  const flag = objectAt(value, [], fail);
  for (const field of Object.keys(flag)) if (!FLAG_KEYS.has(field)) fail([field], `not a flagd flag field; expected ${[...FLAG_KEYS].join(', ')}`);
  if (flag.state !== 'ENABLED' && flag.state !== 'DISABLED') fail(['state'], `expected ENABLED or DISABLED, got ${describeValue(flag.state)}`);
  const variants = objectAt(flag.variants, ['variants'], fail) as Record<string, FlagValue>;
  const names = Object.keys(variants);
  if (names.length === 0) fail(['variants'], 'expected at least one variant');
  for (const name of names) {
    if (!KEY_PATTERN.test(name) || RESERVED_VARIANTS.has(name)) fail(['variants', name], "aiflags variant keys are letters, digits, '_', '.' or '-'");
  }
  const type = typeOfValue(variants[names[0] as string] as FlagValue);
  const defaultVariant = flag.defaultVariant ?? null;
  if (defaultVariant !== null && (typeof defaultVariant !== 'string' || !Object.hasOwn(variants, defaultVariant))) {
    fail(['defaultVariant'], `variant ${describeValue(defaultVariant)} is not defined; variants are: ${names.join(', ')}`);
  }
  const disabled = flag.state === 'DISABLED';
  const codeDefault = defaultVariant === null || disabled;
  const out: FullFlagInput = {
    ...(disabled ? { enabled: false } : {}),
    variants: codeDefault ? { ...variants, [CODE_DEFAULT_VARIANT]: zeroOf(type) } : variants,
    defaultVariant: (defaultVariant as string | null) ?? CODE_DEFAULT_VARIANT,
    ...(disabled ? { offVariant: CODE_DEFAULT_VARIANT } : {}),
  };
  const targeting = flag.targeting as JsonValue | undefined;
  const missing = targeting === undefined || targeting === null ? undefined : missingRef(targeting, ['targeting'], evaluators);
  if (missing !== undefined) {
    // flagd loads the file and answers PARSE_ERROR for this flag alone.
    out.variants = { ...out.variants, [FLAGD_PARSE_ERROR_VARIANT]: zeroOf(type) };
    out.defaultVariant = FLAGD_PARSE_ERROR_VARIANT;
    out.description = describe(missing.path, missing.message);
  } else if (targeting !== undefined && targeting !== null) {
    const scope: TargetingScope = { flagKey: key, variants: new Set(names), evaluators, fail };
    const tree = targetingTree(targeting, ['targeting'], scope);
    for (const reserved of FLAGD_RESERVED_VARIANTS) if (usesVariant(tree, reserved)) out.variants = { ...out.variants, [reserved]: zeroOf(type) };
    const { rules, bucketing } = targetingRules(tree, scope);
    out.rules = rules.length > 0 ? rules : [{ ...neverRule(), variant: out.defaultVariant }];
    if (bucketing !== undefined) {
      out.bucketing = {
        hash: 'flagd',
        ...(bucketing.by !== 'targetingKey' ? { by: bucketing.by } : {}),
        ...(bucketing.salt !== key ? { salt: bucketing.salt } : {}),
      };
    }
  }
  if (flag.metadata !== undefined) out.metadata = metadataAt(flag.metadata, ['metadata'], fail);
  return out;
}

const MAX_REF_DEPTH = 16;

/** The first `$ref` naming no evaluator, in the targeting or an evaluator it refers to. */
function missingRef(expr: JsonValue, path: ConfigPath, evaluators: Record<string, JsonValue>, depth = 0): { path: ConfigPath; message: string } | undefined {
  if (expr === null || typeof expr !== 'object' || depth > MAX_REF_DEPTH) return undefined;
  if (Array.isArray(expr)) {
    for (let i = 0; i < expr.length; i++) {
      const found = missingRef(expr[i] as JsonValue, [...path, i], evaluators, depth);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const [op, args] of Object.entries(expr)) {
    if (op === '$ref' && typeof args === 'string') {
      if (!Object.hasOwn(evaluators, args)) {
        const known = Object.keys(evaluators);
        return {
          path: [...path, op],
          message: `$ref '${args}' names no evaluator in $evaluators${known.length > 0 ? `; evaluators are: ${known.join(', ')}` : ''}`,
        };
      }
      const found = missingRef(evaluators[args] as JsonValue, [...path, op], evaluators, depth + 1);
      if (found !== undefined) return found;
    } else {
      const found = missingRef(args as JsonValue, [...path, op], evaluators, depth);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

function usesVariant(tree: TargetingNode, variant: string): boolean {
  switch (tree.kind) {
    case 'variant':
      return tree.variant === variant;
    case 'split':
      return tree.arms.some((a) => a.variant === variant);
    case 'if':
      return usesVariant(tree.yes, variant) || usesVariant(tree.no, variant);
    default:
      return false;
  }
}

/** The caller's default stands in for this value: only its type matters, for the flag's type check. */
function zeroOf(type: string | undefined): FlagValue {
  return type === 'boolean' ? false : type === 'number' ? 0 : type === 'string' ? '' : {};
}

function objectAt(value: unknown, path: ConfigPath, fail: Fail): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return fail(path, `expected an object, got ${describeValue(value)}`);
  return value as Record<string, unknown>;
}

function metadataAt(value: unknown, path: ConfigPath, fail: Fail): FlagdMetadata {
  const meta = objectAt(value, path, fail);
  for (const [k, v] of Object.entries(meta)) {
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')
      fail([...path, k], `expected a string, number or boolean, got ${describeValue(v)}`);
  }
  return meta as FlagdMetadata;
}
