import { FORBIDDEN_KEYS, type EvaluationContext } from '@aiflags/core';
import { CliError } from './cli-error.js';

/** commander collector for a repeatable `--attr k=v`. */
export function collectAttr(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/**
 * Turns `k=v` pairs into context attributes. `a.b=v` sets a nested attribute; numbers and true/false are
 * typed (so `--attr age=42` works with numeric operators); anything else stays a string.
 */
export function parseAttributes(pairs: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new CliError(`--attr ${pair}: expected key=value`);
    const path = pair.slice(0, eq).split('.');
    if (path.some((part) => part === '' || FORBIDDEN_KEYS.has(part))) throw new CliError(`--attr ${pair}: invalid attribute name`);
    let target = out;
    for (const part of path.slice(0, -1)) {
      const next = target[part];
      target = (typeof next === 'object' && next !== null ? next : (target[part] = {})) as Record<string, unknown>;
    }
    target[path[path.length - 1]!] = typedValue(pair.slice(eq + 1));
  }
  return out;
}

function typedValue(raw: string): unknown {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  if (raw.trim() !== '' && /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(raw)) return Number(raw);
  return raw;
}

/**
 * One line of a users file: a bare id, or a JSON object with the id in targetingKey (or key / id / user)
 * and the other fields as attributes. Returns undefined for a blank line.
 */
export function contextFromLine(
  line: string,
  base: Record<string, unknown>,
  lineNumber: number,
  file: string,
): { user: string; context: EvaluationContext } | undefined {
  const trimmed = line.trim();
  if (trimmed === '') return undefined;
  if (!trimmed.startsWith('{')) return { user: trimmed, context: { ...base, targetingKey: trimmed } };
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch (error) {
    throw new CliError(`${file}:${lineNumber}: not a user id or a JSON object (${(error as Error).message})`);
  }
  const object = parsed as Record<string, unknown>;
  const id = object.targetingKey ?? object.key ?? object.id ?? object.user;
  if (typeof id !== 'string' && typeof id !== 'number') {
    throw new CliError(`${file}:${lineNumber}: the JSON object has no targetingKey, key, id or user`);
  }
  const user = String(id);
  return { user, context: { ...base, ...object, targetingKey: user } };
}
