/** Maps a path inside a flag file (`['flags', 'chat-model', 'rollout', 'percentage']`) to file/flag/field. */
import { FlagConfigError, type FlagConfigLocation } from './flag-config-error.js';
import { FORBIDDEN_KEYS } from './schema.js';

export type ConfigPath = readonly PropertyKey[];

const MAX_FIELD_PARTS = 16;

/** `rules[0].conditions[1].op` from `['rules', 0, 'conditions', 1, 'op']`. */
export function formatField(path: ConfigPath): string {
  let out = '';
  // Deeply nested input must not produce a megabyte-long message.
  for (const part of path.length > MAX_FIELD_PARTS ? path.slice(0, MAX_FIELD_PARTS) : path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return path.length > MAX_FIELD_PARTS ? `${out}...` : out;
}

export function locationOf(file: string, path: ConfigPath): FlagConfigLocation {
  const [section, key, ...rest] = path;
  if (typeof key === 'string') {
    if (section === 'flags') return { file, flag: key, field: formatField(rest) };
    if (section === 'segments') return { file, segment: key, field: formatField(rest) };
    if (section === 'killSwitches') return { file, killSwitch: key, field: formatField(rest) };
  }
  return { file, field: formatField(path) };
}

export function configError(file: string, path: ConfigPath, detail: string): FlagConfigError {
  return new FlagConfigError(locationOf(file, path), detail);
}

/** Rejects `__proto__`, `constructor` and `prototype` keys anywhere, before anything copies the object. */
export function assertNoForbiddenKeys(value: unknown, file: string): void {
  // One path, pushed and popped: an array per property cost a tenth of checking 100k flags.
  const path: PropertyKey[] = [];
  const walk = (node: unknown, depth: number): void => {
    if (node === null || typeof node !== 'object') return;
    if (depth > 64) throw configError(file, [...path], 'nested more than 64 levels deep');
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        path.push(i);
        walk(node[i], depth + 1);
        path.pop();
      }
      return;
    }
    // for-in with an own-key test: no array of keys per object (Object.keys order, inherited keys skipped).
    for (const key in node) {
      if (!Object.hasOwn(node, key)) continue;
      if (FORBIDDEN_KEYS.has(key)) {
        throw configError(file, [...path, key], `the key '${key}' is not allowed (it would reach Object.prototype)`);
      }
      path.push(key);
      walk((node as Record<string, unknown>)[key], depth + 1);
      path.pop();
    }
  };
  walk(value, 0);
}

/** A short description of a value for messages: `140`, `'abc'`, `an array`, `null`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return value.length > 60 ? `'${value.slice(0, 57)}...'` : `'${value}'`;
    case 'number':
    case 'boolean':
      return String(value);
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}
