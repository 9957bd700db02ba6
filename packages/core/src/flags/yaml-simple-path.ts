/**
 * The fastest way to read a YAML flag file, for the shape big generated files take: block mappings of
 * plain keys whose values are plain one-line scalars or one-line flow mappings of them
 * (`  flag-7: { enabled: true, percentage: 10 }`). Scalars are resolved by the caller (the strict path's
 * own YAML 1.2 core tags). Anything else (quotes, lists, comments after a value, multi-line scalars,
 * empty values, keys that are not plain strings, duplicates, odd indentation) returns undefined and the
 * general fast path (js-yaml) or the strict path reads the file, so a value read here is the value they read.
 */
import { FORBIDDEN_KEYS } from './schema.js';

/** Deepest nesting read here. */
const MAX_DEPTH = 64;
/** `<indent><key>:` and an optional value; trailing spaces already trimmed. */
const LINE = /^( *)([A-Za-z0-9_][A-Za-z0-9_.-]{0,1023}):(?: +(.+))?$/;
/** A plain scalar of safe characters only: no indicator, quote, comment, colon, comma or bracket anywhere. */
const SCALAR = /^[A-Za-z0-9_.+/-](?:[A-Za-z0-9_.+/ -]*[A-Za-z0-9_.+/-])?$/;
/** A flow mapping entry, `key: value` up to the next comma or the end, read from `lastIndex` on. */
const FLOW_ENTRY = /[ ]*([A-Za-z0-9_][A-Za-z0-9_.-]{0,1023}): +([^,]*?)[ ]*(?:,|$)/y;
/** A line with nothing to read. */
const BLANK_OR_COMMENT = /^ *(?:#.*)?$/;
/** Resolved scalars remembered per read (values repeat: `true`, `10`, variant names). */
const MAX_REMEMBERED = 1024;

/** Resolves a plain scalar as the strict path's core schema does. */
export type ResolvePlain = (source: string) => unknown;

interface Level {
  indent: number;
  map: Record<string, unknown>;
}

/** The plain value of `text`, or undefined when another reader must decide. */
export function readYamlSimple(text: string, resolvePlain: ResolvePlain): { value: Record<string, unknown> } | undefined {
  if (text.includes('\r') || text.startsWith('---')) return undefined;
  const remembered = new Map<string, unknown>();
  const resolveValue = (source: string): unknown => {
    if (remembered.has(source)) return remembered.get(source);
    const value = resolvePlain(source);
    if (remembered.size < MAX_REMEMBERED) remembered.set(source, value);
    return value;
  };
  const root: Record<string, unknown> = {};
  const stack: Level[] = [];
  /** A key written without a value: its mapping starts on the next line. */
  let open: { map: Record<string, unknown>; key: string; indent: number } | undefined;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const line = text.slice(start, end).trimEnd();
    start = end + 1;
    const m = LINE.exec(line);
    if (m === null) {
      if (BLANK_OR_COMMENT.test(line)) continue;
      return undefined;
    }
    const indent = m[1]!.length;
    if (stack.length === 0) {
      if (indent !== 0) return undefined;
      stack.push({ indent, map: root });
    }
    if (open !== undefined) {
      if (indent <= open.indent || stack.length >= MAX_DEPTH) return undefined;
      const map: Record<string, unknown> = {};
      open.map[open.key] = map;
      stack.push({ indent, map });
      open = undefined;
    }
    while (stack[stack.length - 1]!.indent > indent) stack.pop();
    const level = stack[stack.length - 1]!;
    if (level.indent !== indent) return undefined;
    const key = plainKey(m[2]!, resolvePlain);
    if (key === undefined || Object.hasOwn(level.map, key)) return undefined;
    const written = m[3];
    if (written === undefined) {
      open = { map: level.map, key, indent };
      continue;
    }
    const value = written.startsWith('{') ? flowMapping(written, resolvePlain, resolveValue) : scalar(written, resolveValue);
    if (value === undefined) return undefined;
    level.map[key] = value;
  }
  return open === undefined && stack.length > 0 ? { value: root } : undefined;
}

/** A key that reads as itself: not null, a boolean or a number (those become other property names), nor a prototype key. */
function plainKey(source: string, resolve: ResolvePlain): string | undefined {
  if (FORBIDDEN_KEYS.has(source)) return undefined;
  return resolve(source) === source ? source : undefined;
}

function scalar(source: string, resolve: ResolvePlain): unknown {
  // `-` alone or `- x` is a list entry, not a scalar.
  if (!SCALAR.test(source) || (source[0] === '-' && (source.length === 1 || source[1] === ' '))) return undefined;
  return resolve(source);
}

/** `{ a: 1, b: two }` on one line, without nesting or a trailing comma. */
function flowMapping(source: string, resolveKey: ResolvePlain, resolveValue: ResolvePlain): Record<string, unknown> | undefined {
  if (!source.endsWith('}')) return undefined;
  const body = source.slice(1, -1).trim();
  const map: Record<string, unknown> = {};
  FLOW_ENTRY.lastIndex = 0;
  while (FLOW_ENTRY.lastIndex < body.length) {
    const m = FLOW_ENTRY.exec(body);
    if (m === null || (m[0].endsWith(',') && FLOW_ENTRY.lastIndex === body.length)) return undefined;
    const key = plainKey(m[1]!, resolveKey);
    if (key === undefined || Object.hasOwn(map, key)) return undefined;
    const value = scalar(m[2]!, resolveValue);
    if (value === undefined) return undefined;
    map[key] = value;
  }
  return map;
}
