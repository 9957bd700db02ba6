/**
 * The schema check of a shorthand flag (`{ enabled, percentage }` and its descriptive fields) without zod:
 * most flags of a big file are shorthand, and zod's parse of each was a fifth of parsing 100k flags. It
 * answers only when the flag is valid, with the object zod gives (the fields present, in the schema's
 * order); anything else, bucketing included, returns undefined and zod checks it and words the message.
 */
import { FLAG_KINDS } from './flag-kind.js';
import { CHANGE_TYPES, ShorthandFlagSchema, type ShorthandFlagInput } from './schema.js';

const FIELDS = Object.keys(ShorthandFlagSchema.shape) as (keyof ShorthandFlagInput)[];
const FIELD_INDEX = new Map<string, number>(FIELDS.map((field, i) => [field, i]));
const CHANGE_TYPE_SET = new Set<unknown>(CHANGE_TYPES);
const KIND_SET = new Set<unknown>(FLAG_KINDS);

const optional =
  (valid: (v: unknown) => boolean) =>
  (v: unknown): boolean =>
    v === undefined || valid(v);

const VALID: Readonly<Record<keyof ShorthandFlagInput, (v: unknown) => boolean>> = {
  description: optional((v) => typeof v === 'string'),
  owner: optional((v) => typeof v === 'string'),
  changeType: optional((v) => CHANGE_TYPE_SET.has(v)),
  kind: optional((v) => KIND_SET.has(v)),
  bucketing: (v) => v === undefined,
  metadata: (v) => v === undefined,
  metrics: (v) => v === undefined,
  judges: (v) => v === undefined,
  prices: (v) => v === undefined,
  shadow: (v) => v === undefined,
  enabled: optional((v) => typeof v === 'boolean'),
  percentage: optional((v) => typeof v === 'number' && v >= 0 && v <= 100),
};

/**
 * The checked shorthand flag, or undefined when zod must decide. `raw` itself when its fields are already
 * in the schema's order (the caller's private copy: parsed text, or validateFlags' clone), else a copy.
 */
export function checkShorthandFast(raw: object): ShorthandFlagInput | undefined {
  const keys = Object.keys(raw);
  let inOrder = true;
  let at = -1;
  for (const key of keys) {
    const index = FIELD_INDEX.get(key);
    if (index === undefined) return undefined;
    if (index < at) inOrder = false;
    at = index;
    if (!VALID[key as keyof ShorthandFlagInput]((raw as Record<string, unknown>)[key])) return undefined;
  }
  if (inOrder && Object.getPrototypeOf(raw) === Object.prototype) return raw as ShorthandFlagInput;
  const checked: Record<string, unknown> = {};
  for (const field of FIELDS) if (Object.hasOwn(raw, field)) checked[field] = (raw as Record<string, unknown>)[field];
  return checked as ShorthandFlagInput;
}
