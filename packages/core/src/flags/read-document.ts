/**
 * Turns the bytes or text of a flag file into a plain value, refusing what would hurt before parsing:
 * oversized files, binary content, invalid UTF-8, duplicate keys, YAML alias bombs, YAML 1.1 semantics and
 * tags the parser does not know. Each format has a fast reader (JSON.parse plus a linear duplicate-key scan;
 * js-yaml with the strict path's scalar rules) that answers only when sure; everything else, and every
 * error, goes through the strict `yaml` parser, which words the message.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { checkDocumentKeys } from './check-document-keys.js';
import { findDuplicateJsonKey } from './find-duplicate-json-key.js';
import { locationOf } from './config-path.js';
import { FlagConfigError } from './flag-config-error.js';
import { readYamlFast } from './yaml-fast-path.js';

/** Largest flag file accepted, in bytes. */
export const MAX_FLAG_FILE_BYTES = 10 * 1024 * 1024;
/** Most alias dereferences allowed while building the value (an alias bomb needs far more). */
export const MAX_YAML_ALIASES = 100;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Decodes and checks the raw content; returns UTF-8 text. */
export function decodeFlagText(content: string | Uint8Array, file: string): string {
  let text: string;
  if (typeof content === 'string') {
    if (content.length > MAX_FLAG_FILE_BYTES || utf8Length(content) > MAX_FLAG_FILE_BYTES) {
      throw tooLarge(file, utf8Length(content));
    }
    if (LONE_SURROGATE.test(content)) {
      throw new FlagConfigError({ file }, 'not valid UTF-8 text (lone surrogate); is this a binary file?');
    }
    text = content;
  } else {
    if (content.byteLength > MAX_FLAG_FILE_BYTES) throw tooLarge(file, content.byteLength);
    try {
      text = utf8.decode(content);
    } catch {
      throw new FlagConfigError({ file }, 'not valid UTF-8 text; is this a binary file?');
    }
  }
  const nul = text.indexOf('\0');
  if (nul !== -1) {
    throw new FlagConfigError({ file }, `binary content (NUL byte at offset ${nul}); expected YAML or JSON text`);
  }
  return text;
}

/** Parses YAML or JSON text into a plain value. */
export function readFlagDocument(text: string, file: string): unknown {
  if (text.trim() === '') {
    throw new FlagConfigError({ file }, 'the file is empty; expected a mapping with a `flags:` section');
  }
  const json = readJson(text, file);
  if (json.ok) return json.value;
  const fast = readYamlFast(text);
  if (fast !== undefined) return fast.value;
  return readYamlStrict(text, file);
}

/** The strict YAML 1.2 read: every check, and the message (with line and column) for the first problem. */
export function readYamlStrict(text: string, file: string): unknown {
  const lines = new LineCounter();
  // uniqueKeys: false because its check is quadratic in the keys of a mapping; checkDocumentKeys does it in one pass.
  // version '1.2' and merge: false keep `off` a string, `0:30` a string and `<<` a plain key (refused below).
  const doc = parseDocument(text, {
    uniqueKeys: false,
    version: '1.2',
    merge: false,
    strict: true,
    prettyErrors: true,
    lineCounter: lines,
  });
  // Warnings are errors here: an unresolved tag (`!!js/function`, `!foo`) would otherwise become a plain string.
  const first = doc.errors[0] ?? doc.warnings[0];
  if (first !== undefined) {
    const pos = first.linePos?.[0];
    const where = pos ? `line ${pos.line}, column ${pos.col}: ` : '';
    const what = first.code === 'TAG_RESOLVE_FAILED' ? 'unsupported tag' : 'syntax error';
    const detail = firstLine(first.message).replace(/ at line \d+, column \d+.*$/, '');
    const path = pathAt(doc.contents, first.pos[0]);
    const location = path.length > 0 ? locationOf(file, path) : { file, ...locate(text, pos?.line) };
    throw new FlagConfigError(location, `${what} at ${where}${detail}`);
  }
  // A `%YAML 1.1` directive overrides the version option and brings back 1.1 booleans, sexagesimals and merge keys.
  if (doc.directives?.yaml.explicit && doc.directives.yaml.version !== '1.2') {
    throw new FlagConfigError({ file }, `the %YAML ${doc.directives.yaml.version} directive is not supported; flag files are YAML 1.2 (remove the directive)`);
  }
  checkDocumentKeys(doc, lines, file);
  try {
    return doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new FlagConfigError({ file }, `rejected YAML aliases: ${firstLine(message)}`);
  }
}

/**
 * Strict JSON takes the native parser (about 40x faster than composing a YAML document) plus a linear
 * duplicate-key scan. Anything JSON.parse refuses goes on to the YAML parser, which reads JSON-like YAML
 * and words syntax errors with a line and column.
 */
function readJson(text: string, file: string): { ok: true; value: unknown } | { ok: false } {
  // trimStart also drops a byte order mark, which JSON.parse refuses.
  const body = text.trimStart();
  if (body[0] !== '{') return { ok: false };
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return { ok: false };
  }
  const duplicate = findDuplicateJsonKey(text);
  if (duplicate !== undefined) {
    const key = duplicate.path[duplicate.path.length - 1];
    const { line, col } = lineAndColumn(text, duplicate.offset);
    throw new FlagConfigError(locationOf(file, duplicate.path), `duplicate key ${JSON.stringify(String(key).slice(0, 60))} at line ${line}, column ${col}`);
  }
  return { ok: true, value };
}

function lineAndColumn(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, col: offset - lineStart + 1 };
}

/** Bytes of `s` in UTF-8 (a lone surrogate counts 3, as its replacement character). */
function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 2; // a pair: 2 units, 4 bytes
      i++;
    } else n += 2;
  }
  return n;
}

function tooLarge(file: string, bytes: number): FlagConfigError {
  return new FlagConfigError({ file }, `file is ${bytes} bytes; the limit is ${MAX_FLAG_FILE_BYTES} bytes (10 MB)`);
}

/** The first line of an error's message (parser messages add a code excerpt below it). */
export function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n', 1)[0] ?? message;
}

/** Keys (and list indexes) of the innermost entry of the partly parsed document holding `offset`. */
function pathAt(node: unknown, offset: number, depth = 0): (string | number)[] {
  if (depth > 16) return [];
  if (isMap(node)) {
    for (const pair of node.items) {
      const start = (pair.key as Node | null)?.range?.[0];
      const end = (pair.value as Node | null)?.range?.[2] ?? (pair.key as Node | null)?.range?.[2];
      if (start === undefined || end === undefined || offset < start || offset > end) continue;
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key === undefined) return [];
      return [key, ...pathAt(pair.value, offset, depth + 1)];
    }
  } else if (isSeq(node)) {
    for (let i = 0; i < node.items.length; i++) {
      const range = (node.items[i] as Node | null)?.range;
      if (range && offset >= range[0] && offset <= range[2]) return [i, ...pathAt(node.items[i], offset, depth + 1)];
    }
  }
  return [];
}

/**
 * Best-effort flag name for a syntax error: the nearest `flags:` entry at or above the line (found by
 * indentation), so the message can name the flag even though the file did not parse.
 */
function locate(text: string, line: number | undefined): { flag?: string; field?: string } {
  if (line === undefined) return {};
  const lines = text.split('\n', line);
  const key = /^\s*(?:-\s+)?([A-Za-z0-9_.\-$]+)\s*:/.exec(lines[line - 1] ?? '')?.[1];
  const field = key !== undefined ? { field: key } : {};
  const flagsLine = lines.findLastIndex((l) => /^flags\s*:\s*(#.*)?$/.test(l));
  if (flagsLine === -1) return field;
  let indent = -1;
  let flag: string | undefined;
  for (const l of lines.slice(flagsLine + 1)) {
    if (/^\S/.test(l)) return field;
    const m = /^( +)([A-Za-z0-9_.-]+)\s*:/.exec(l);
    if (m?.[1] === undefined || m[2] === undefined) continue;
    if (indent === -1) indent = m[1].length;
    if (m[1].length === indent) flag = m[2];
  }
  return flag !== undefined && flag !== key ? { flag, ...field } : flag !== undefined ? { flag } : field;
}
