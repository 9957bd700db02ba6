/**
 * One linear walk over a parsed YAML/JSON document that refuses keys the plain value would silently
 * lose or misread: duplicate keys (compared as the strings they become, so `1:` and `"1":` collide, as do
 * `true:` and `"true":`), YAML merge keys (`<<`), and keys that are maps or lists.
 *
 * The yaml library's own `uniqueKeys` check compares every pair of keys in a mapping (quadratic: 100k
 * flags took minutes), and JSON.parse keeps the last duplicate without a word, so this walk replaces both.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import { locationOf } from './config-path.js';
import { FlagConfigError } from './flag-config-error.js';

/** Deepest nesting walked; the schema check refuses deeper values anyway (see assertNoForbiddenKeys). */
const MAX_DEPTH = 64;

export function checkDocumentKeys(doc: Document, lines: LineCounter, file: string): void {
  const path: (string | number)[] = [];

  const fail = (offset: number | undefined, at: (string | number)[], detail: string): never => {
    const where = offset === undefined ? '' : ` at ${position(lines, offset)}`;
    throw new FlagConfigError(locationOf(file, at), `${detail}${where}`);
  };

  const walk = (node: unknown, depth: number): void => {
    if (depth > MAX_DEPTH) fail(undefined, path, `nested more than ${MAX_DEPTH} levels deep`);
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const keyNode = pair.key as Node | null;
        const key = keyText(doc, keyNode);
        const offset = keyNode?.range?.[0];
        if (key === undefined) fail(offset, path, 'a key must be a string or number, not a map or list');
        if (isScalar(keyNode) && keyNode.type === 'PLAIN' && keyNode.value === '<<') {
          fail(offset, path, 'YAML merge keys (`<<: *anchor`) are not supported; write the fields out, or use an anchor for the whole value');
        }
        if (seen.has(key!)) fail(offset, [...path, key!], `duplicate key ${quote(key!)}`);
        seen.add(key!);
        path.push(key!);
        walk(pair.value, depth + 1);
        path.pop();
      }
    } else if (isSeq(node)) {
      for (let i = 0; i < node.items.length; i++) {
        path.push(i);
        walk(node.items[i], depth + 1);
        path.pop();
      }
    }
    // Aliases are not followed: the anchored node they point to is walked where it is defined.
  };

  walk(doc.contents, 0);
}

/** The property name a key becomes in the plain value (as the yaml library's toJS names it), or undefined for map/list keys. */
function keyText(doc: Document, key: Node | null): string | undefined {
  const node = isAlias(key) ? (key.resolve(doc) ?? null) : key;
  if (node === null) return '';
  if (!isScalar(node)) return undefined;
  return node.value === null || node.value === undefined ? '' : String(node.value);
}

function position(lines: LineCounter, offset: number): string {
  const { line, col } = lines.linePos(offset);
  return `line ${line}, column ${col}`;
}

/** A key for a message: quoted, escaped onto one line, and cut short. */
function quote(key: string): string {
  const shown = key.length > 60 ? `${key.slice(0, 57)}...` : key;
  return JSON.stringify(shown)
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
