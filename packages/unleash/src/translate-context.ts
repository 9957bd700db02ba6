import type { EvaluationContext } from '@openfeature/server-sdk';
import type { Context as UnleashContext } from 'unleash-client';

/** Unleash context fields that stay top-level; everything else goes to `properties`. */
const STANDARD_FIELDS = ['sessionId', 'remoteAddress', 'environment', 'appName'] as const;

/**
 * OpenFeature context → Unleash context. `targetingKey` becomes `userId` (Unleash's default stickiness);
 * nested objects are flattened to dotted property names (`account.plan`), the dot paths aiflags conditions
 * use, so an exported constraint on `account.plan` sees the same value. Property values are strings.
 */
export function translateContext(context: EvaluationContext = {}): UnleashContext {
  const out: UnleashContext = {};
  const properties: Record<string, string> = {};
  const userId = context.targetingKey ?? context.userId;
  if (userId !== undefined && userId !== null && userId !== '') out.userId = String(userId);
  for (const field of STANDARD_FIELDS) {
    const value = context[field];
    if (value !== undefined && value !== null) out[field] = String(value);
  }
  const currentTime = toDate(context.currentTime);
  if (currentTime) out.currentTime = currentTime;
  for (const [key, value] of Object.entries(context)) {
    if (key === 'targetingKey' || key === 'userId' || key === 'currentTime') continue;
    if ((STANDARD_FIELDS as readonly string[]).includes(key)) continue;
    // A caller used to Unleash may already pass `properties`; its entries are properties, not `properties.x`.
    flatten(key === 'properties' ? '' : key, value, properties);
  }
  if (Object.keys(properties).length > 0) out.properties = properties;
  return out;
}

function flatten(prefix: string, value: unknown, into: Record<string, string>): void {
  if (value === undefined || value === null) return;
  if (value instanceof Date) {
    if (prefix) into[prefix] = value.toISOString();
    return;
  }
  if (Array.isArray(value)) {
    if (prefix) into[prefix] = JSON.stringify(value);
    return;
  }
  if (typeof value === 'object') {
    for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
      flatten(prefix ? `${prefix}.${key}` : key, inner, into);
    }
    return;
  }
  if (prefix) into[prefix] = String(value);
}

function toDate(value: unknown): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  if (typeof value === 'string' || typeof value === 'number') {
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? undefined : date;
  }
  return undefined;
}
