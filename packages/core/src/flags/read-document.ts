/**
 * Turns the bytes or text of a flag file into a plain value, refusing what would hurt before parsing:
 * oversized files, binary content, invalid UTF-8, duplicate keys and YAML alias bombs. JSON goes through
 * the same YAML 1.2 parser (a JSON superset) so duplicate keys are rejected there too.
 */
import { isMap, isScalar, isSeq, parseDocument, type Node } from 'yaml';
import { locationOf } from './config-path.js';
import { FlagConfigError } from './flag-config-error.js';

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
    if (content.length > MAX_FLAG_FILE_BYTES || Buffer.byteLength(content, 'utf8') > MAX_FLAG_FILE_BYTES) {
      throw tooLarge(file, Buffer.byteLength(content, 'utf8'));
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
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true, strict: true, merge: false });
  const first = doc.errors[0];
  if (first !== undefined) {
    const pos = first.linePos?.[0];
    const where = pos ? `line ${pos.line}, column ${pos.col}: ` : '';
    const what = first.code === 'DUPLICATE_KEY' ? 'duplicate key' : 'syntax error';
    const detail = firstLine(first.message).replace(/ at line \d+, column \d+.*$/, '');
    const path = pathAt(doc.contents, first.pos[0]);
    const location = path.length > 0 ? locationOf(file, path) : { file, ...locate(text, pos?.line) };
    throw new FlagConfigError(location, `${what} at ${where}${detail}`);
  }
  try {
    return doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new FlagConfigError({ file }, `rejected YAML aliases: ${firstLine(message)}`);
  }
}

function tooLarge(file: string, bytes: number): FlagConfigError {
  return new FlagConfigError(
    { file },
    `file is ${bytes} bytes; the limit is ${MAX_FLAG_FILE_BYTES} bytes (10 MB)`,
  );
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
    const m = /^( +)([A-Za-z0-9_.\-]+)\s*:/.exec(l);
    if (m?.[1] === undefined || m[2] === undefined) continue;
    if (indent === -1) indent = m[1].length;
    if (m[1].length === indent) flag = m[2];
  }
  return flag !== undefined && flag !== key ? { flag, ...field } : flag !== undefined ? { flag } : field;
}
