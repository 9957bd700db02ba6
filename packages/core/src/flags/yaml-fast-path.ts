/**
 * The fast way to read a YAML flag file: js-yaml (about 15x faster than composing a `yaml` Document) with
 * scalars resolved by the `yaml` library's own YAML 1.2 core tags, so a value read here is the value the
 * strict path reads. It answers only when it is sure: anything it would read differently from the strict
 * path, and every error, returns undefined, and the caller takes the strict path (read-document.ts), which
 * words the message with file, flag, field, line and column.
 *
 * Handed back to the strict path: syntax errors, duplicate keys, explicit tags other than `!!str`/`!!map`/
 * `!!seq`, unknown tags, anchors and aliases, directives (`%YAML 1.1`), keys that were null, `<<`, a map or a list
 * (js-yaml turns them into `null`, `<<`, `[object Object]` or `a,b`), keys over 1024 characters, and
 * nesting deeper than the strict path allows.
 */
import { defineScalarTag, FAILSAFE_SCHEMA, load, NOT_RESOLVED } from 'js-yaml';
import { isScalar, Schema as YamlSchema } from 'yaml';
import { readYamlSimple } from './yaml-simple-path.js';

/** Deepest nesting read here; the strict path refuses deeper documents with a message. */
const MAX_DEPTH = 64;
/** The strict path refuses implicit keys this long (YAML's limit). */
const MAX_KEY_LENGTH = 1024;

type CoreTag = { tag: string; test?: RegExp; resolve: (s: string, onError: (m: string) => void, o: object) => unknown };

/** The `yaml` library's core schema tags for one tag name, in its resolution order. */
const coreTags = (new YamlSchema({ schema: 'core' }).tags as unknown as CoreTag[]).filter((t) => t.test !== undefined);

/** A js-yaml scalar tag that resolves plain scalars exactly as `yaml`'s core schema does, and refuses explicit use. */
function mirror(name: string, firstChars: string[]) {
  const variants = coreTags.filter((t) => t.tag === `tag:yaml.org,2002:${name}`);
  const options = { intAsBigInt: false };
  const onError = (): void => {
    throw new Error('unresolved');
  };
  return defineScalarTag(`tag:yaml.org,2002:${name}`, {
    implicit: true,
    implicitFirstChars: firstChars,
    resolve: (source, isExplicit) => {
      // `!!int 0x10` and friends: the strict path's rules for explicit tags apply.
      if (isExplicit) return NOT_RESOLVED;
      for (const t of variants) {
        if (!t.test!.test(source)) continue;
        const value = t.resolve(source, onError, options);
        return isScalar(value) ? value.value : value;
      }
      return NOT_RESOLVED;
    },
    identify: () => false,
  });
}

const digits = [...'0123456789'];
const SCHEMA = FAILSAFE_SCHEMA.withTags(
  mirror('null', ['', '~', 'n', 'N']),
  mirror('bool', ['t', 'T', 'f', 'F']),
  mirror('int', ['-', '+', ...digits]),
  mirror('float', ['-', '+', '.', ...digits]),
);

/**
 * Text the two parsers read differently, sent to the strict path whole (found by fuzzing one against the
 * other, yaml-fast-path.test.ts): directives, tabs, byte order marks, a carriage return alone and other
 * characters only one of them takes for a line break, document markers after the first line or indented,
 * anchors, aliases and tags, and block scalars with an explicit indentation indicator.
 */
const DIFFERS = /^%|[\t\ufeff\x85\u2028\u2029]|\r(?!\n)|^[ ]*(?:---|\.\.\.)|(?:^|[\s[\]{},])[&*!]|[|>][-+]?[0-9]/m;
/** A document start marker on the first line, which both read alike. */
const LEADING_MARKER = /^---(?:[ ]+#[^\r\n]*)?[ ]*\r?\n/;

/**
 * A plain scalar resolved as the strict path resolves it: the first of its core tags that matches, else a
 * string. (Explicit tags never get here: DIFFERS sends them to the strict path.)
 */
export function resolvePlainScalar(source: string): unknown {
  for (const t of coreTags) {
    if (!t.test!.test(source)) continue;
    const value = t.resolve(source, onResolveError, RESOLVE_OPTIONS);
    return isScalar(value) ? value.value : value;
  }
  return source;
}

const RESOLVE_OPTIONS = { intAsBigInt: false };
const onResolveError = (): void => {
  throw new Error('unresolved');
};

/** The plain value of YAML `text`, or undefined when the strict path must decide. */
export function readYamlFast(text: string): { value: unknown } | undefined {
  if (DIFFERS.test(text.replace(LEADING_MARKER, ''))) return undefined;
  const simple = readSimple(text);
  if (simple !== undefined) return simple;
  let value: unknown;
  try {
    value = load(text, { schema: SCHEMA, maxAliases: 0 });
  } catch {
    return undefined;
  }
  // Only a mapping is answered here: anything else is refused with a message the strict path words.
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  return isPlainTree(value) ? { value } : undefined;
}

function readSimple(text: string): { value: unknown } | undefined {
  try {
    return readYamlSimple(text, resolvePlainScalar);
  } catch {
    return undefined;
  }
}

/** True when every key is one the strict path reads the same way. (Aliases never get here: DIFFERS sends `*x` to the strict path.) */
function isPlainTree(root: unknown): boolean {
  const walk = (node: unknown, depth: number): boolean => {
    if (node === null || typeof node !== 'object') return true;
    if (depth > MAX_DEPTH) return false;
    if (Array.isArray(node)) {
      for (const item of node) if (!walk(item, depth + 1)) return false;
      return true;
    }
    if (Object.getPrototypeOf(node) !== Object.prototype && Object.getPrototypeOf(node) !== null) return false;
    // for-in with an own-key test: no array of keys per mapping (js-yaml defines every key as an own property).
    for (const key in node) {
      if (!Object.hasOwn(node, key)) continue;
      if (key === 'null' || key === '<<' || key.length > MAX_KEY_LENGTH || key.includes(',') || key.startsWith('[object ')) return false;
      if (!walk((node as Record<string, unknown>)[key], depth + 1)) return false;
    }
    return true;
  };
  return walk(root, 0);
}
