import type { EvaluationContext, EvaluationContextValue } from '@openfeature/server-sdk';
import type { LDContext } from '@launchdarkly/node-server-sdk';

type LDAttributes = Record<string, unknown>;

/** Attributes that name the context rather than describe it; never copied as custom attributes. */
const RESERVED = new Set(['targetingKey', 'key', 'kind', 'privateAttributes', '_meta']);

/**
 * OpenFeature context → LaunchDarkly context. `targetingKey` (or `key`) becomes `key`, `kind` defaults to
 * `user`, `kind: 'multi'` turns each object attribute into its own single-kind context, and
 * `privateAttributes` moves into `_meta`. A missing key is sent as `''`, which LaunchDarkly answers with
 * USER_NOT_SPECIFIED (translated to TARGETING_KEY_MISSING) rather than evaluating an anonymous nobody.
 */
export function translateContext(context: EvaluationContext): LDContext {
  if (context['kind'] === 'multi') {
    const multi: LDAttributes = { kind: 'multi' };
    for (const [kind, value] of Object.entries(context)) {
      if (kind === 'kind' || kind === 'targetingKey' || !isRecord(value)) continue;
      multi[kind] = singleContext(value, kind);
    }
    return multi as unknown as LDContext;
  }
  const kind = typeof context['kind'] === 'string' && context['kind'] !== '' ? context['kind'] : 'user';
  return singleContext(context, kind) as unknown as LDContext;
}

function singleContext(source: Record<string, unknown>, kind: string): LDAttributes {
  const key = pickKey(source);
  const out: LDAttributes = { kind, key };
  for (const [name, value] of Object.entries(source)) {
    if (RESERVED.has(name) || value === undefined) continue;
    out[name] = toLDValue(value as EvaluationContextValue);
  }
  const privateAttributes = source['privateAttributes'];
  if (Array.isArray(privateAttributes)) {
    out['_meta'] = { privateAttributes: privateAttributes.filter((a): a is string => typeof a === 'string') };
  }
  return out;
}

// targetingKey wins over key: OpenFeature callers set targetingKey, `key` may be an unrelated app attribute.
function pickKey(source: Record<string, unknown>): string {
  const targetingKey = source['targetingKey'];
  if (typeof targetingKey === 'string' && targetingKey !== '') return targetingKey;
  const key = source['key'];
  return typeof key === 'string' ? key : '';
}

// LaunchDarkly attributes are JSON; Dates become ISO strings, which its before/after operators accept.
function toLDValue(value: EvaluationContextValue): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toLDValue);
  if (isRecord(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toLDValue(v as EvaluationContextValue)]));
  }
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}
