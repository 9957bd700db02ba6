/**
 * Runs the zod schema and turns its first issue into a FlagConfigError naming file, flag and field.
 * Each flag is checked against the branch it was meant to be (full form or `{ enabled, percentage }`
 * shorthand), so a typo gets a message about that form instead of a union of both.
 */
import { z } from 'zod';
import type { FlagConfigError } from './flag-config-error.js';
import { configError, describeValue, type ConfigPath } from './config-path.js';
import { FlagFileSchema, FullFlagSchema, KEY_PATTERN, KeySchema, ShorthandFlagSchema, type FlagFile, type FlagInput } from './schema.js';
import { checkShorthandFast } from './shorthand-fast-path.js';

const TopLevelSchema = FlagFileSchema.extend({ flags: z.record(KeySchema, z.unknown()).optional() });
/** The top level without the flags, for a file whose flag keys were checked by hand (zod's record check copied 100k keys). */
const HeadSchema = FlagFileSchema.extend({ flags: z.unknown().optional() });
const FULL_ONLY_KEYS = ['variants', 'defaultVariant', 'offVariant', 'rollout', 'split', 'rules'];

/**
 * Validates the shape of a parsed flag file; throws the first problem. `value` must be the caller's own
 * (a parse result or a private copy): its flags are replaced in place by their checked form, which spares
 * building a second mapping of every flag.
 */
export function checkFlagFileShape(value: unknown, file: string): FlagFile {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw configError(file, [], `expected a mapping with a \`flags:\` section, got ${describeValue(value)}`);
  }
  const topLevelError = (): FlagConfigError => fromIssue(file, [], firstIssue(TopLevelSchema, value));
  const top = checkTopLevel(value);
  if (top === undefined) throw topLevelError();
  const flags = (top.flags ?? {}) as Record<string, unknown>;
  const keys = Object.keys(flags);
  const validKey = (key: string): boolean => KEY_PATTERN.test(key);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    // The top-level schema's key check, made here so the flags are walked once; a bad key anywhere is still
    // reported before any flag's own problem, as the top-level schema reports it.
    if (!validKey(key)) throw topLevelError();
    try {
      flags[key] = checkFlag(flags[key], key, file);
    } catch (error) {
      throw keys.slice(i + 1).every(validKey) ? error : topLevelError();
    }
  }
  return { ...top, flags: flags as Record<string, FlagInput> };
}

/** One flag against the form it was meant to be. */
function checkFlag(raw: unknown, key: string, file: string): FlagInput {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw configError(file, ['flags', key], `expected a flag definition (a mapping), got ${describeValue(raw)}`);
  }
  const full = isFullForm(raw);
  const fast = full ? undefined : checkShorthandFast(raw);
  if (fast !== undefined) return fast;
  const path = ['flags', key];
  const schema = full ? FullFlagSchema : ShorthandFlagSchema;
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = firstIssue(schema, raw);
  if (!full && issue?.code === 'unrecognized_keys') {
    throw configError(
      file,
      [...path, ...issue.path, issue.keys[0] ?? ''],
      `unknown field; a flag is either { variants, defaultVariant, ... } or the shorthand { enabled, percentage }`,
    );
  }
  throw fromIssue(file, path, issue);
}

function isFullForm(flag: object): boolean {
  for (const key of FULL_ONLY_KEYS) if (Object.hasOwn(flag, key)) return true;
  return false;
}

/** The checked top level (its `flags` not yet checked, keys included), or undefined when it has a problem. */
function checkTopLevel(value: object): (Omit<FlagFile, 'flags'> & { flags?: unknown }) | undefined {
  const flags = (value as { flags?: unknown }).flags;
  if (flags === undefined || isPlainObject(flags)) {
    const head = HeadSchema.safeParse(value);
    if (head.success) return head.data;
  }
  const top = TopLevelSchema.safeParse(value);
  return top.success ? top.data : undefined;
}

/** What the record schema takes for a mapping (its keys are checked with the flags). */
function isPlainObject(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * The first issue, with the offending input attached for the message. `reportInput` turns off zod's
 * compiled fast path (8x slower over 100k flags), so it runs only once a plain parse has failed.
 */
function firstIssue(schema: z.ZodType, value: unknown): z.core.$ZodIssue | undefined {
  const again = schema.safeParse(value, { reportInput: true });
  return again.success ? undefined : again.error.issues[0];
}

function fromIssue(file: string, prefix: ConfigPath, issue: z.core.$ZodIssue | undefined): FlagConfigError {
  if (issue === undefined) return configError(file, prefix, 'invalid flag file');
  const path = [...prefix, ...issue.path];
  const got = 'input' in issue ? describeValue(issue.input) : undefined;
  switch (issue.code) {
    case 'unrecognized_keys': {
      const key = issue.keys[0] ?? '';
      return configError(file, [...path, key], `unknown field '${key}'`);
    }
    case 'invalid_type':
      if (issue.input === undefined) return configError(file, path, 'required field is missing');
      return configError(file, path, `${ownMessage(issue.message) ?? `expected ${typeName(issue.expected)}`}, got ${got}`);
    case 'invalid_value':
      return configError(file, path, `expected one of ${issue.values.map((v) => String(v)).join(' | ')}, got ${got}`);
    case 'invalid_union':
      return configError(file, path, `expected a boolean, string, number or JSON object, got ${got}`);
    case 'invalid_key': {
      const key = 'input' in issue ? String(issue.input) : '';
      return configError(file, path[path.length - 1] === key ? path : [...path, key], `invalid key '${key}': keys use letters, digits, '_', '.' and '-'`);
    }
    case 'too_small':
    case 'too_big': {
      const own = ownMessage(issue.message);
      if (own !== undefined) return configError(file, path, `${own}, got ${got}`);
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const sign = issue.code === 'too_small' ? (issue.inclusive ? '>=' : '>') : issue.inclusive ? '<=' : '<';
      const what = issue.origin === 'number' || issue.origin === 'int' ? 'a number' : `a ${issue.origin} of length`;
      return configError(file, path, `expected ${what} ${sign} ${String(bound)}, got ${got}`);
    }
    case 'invalid_element':
      return fromIssue(file, path, issue.issues[0]);
    default:
      return configError(file, path, `${ownMessage(issue.message) ?? issue.message}${got ? `, got ${got}` : ''}`);
  }
}

/** The messages this package wrote into the schema start with "expected"; zod's own do not. */
function ownMessage(message: string): string | undefined {
  return message.startsWith('expected') ? message : undefined;
}

function typeName(expected: string): string {
  switch (expected) {
    case 'object':
      return 'a mapping';
    case 'array':
      return 'a list';
    case 'record':
      return 'a mapping';
    default:
      return `a ${expected}`;
  }
}
