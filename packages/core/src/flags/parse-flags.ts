/** Entry points: flag file text or a plain object in, a compiled frozen FlagSet out (or a FlagConfigError). */
import { createHash } from 'node:crypto';
import { checkFlagFileShape } from './check-schema.js';
import { compileFlagSet } from './compile-flag-set.js';
import { assertNoForbiddenKeys } from './config-path.js';
import { FlagConfigError } from './flag-config-error.js';
import type { FlagSet } from './flag-set.js';
import { decodeFlagText, firstLine, readFlagDocument } from './read-document.js';

/**
 * Parses a YAML or JSON flag file. `file` names the source in error messages and gives the default set id
 * (its base name without extension). Throws FlagConfigError on the first problem.
 */
export function parseFlags(content: string | Uint8Array, file: string): FlagSet {
  return guarded(file, () => {
    const text = decodeFlagText(content, file);
    const value = readFlagDocument(text, file);
    return build(value, file, contentHash(text));
  });
}

/** Validates and compiles an already parsed flag file object. Throws FlagConfigError on the first problem. */
export function validateFlags(value: unknown, source: string): FlagSet {
  return guarded(source, () => validateCopy(value, source));
}

function validateCopy(value: unknown, source: string): FlagSet {
  assertNoForbiddenKeys(value, source);
  let copy: unknown;
  let text: string;
  try {
    // A private copy: the set is frozen deeply and must not freeze (or later see changes to) the caller's object.
    copy = structuredClone(value);
    text = JSON.stringify(copy) ?? '';
  } catch (err) {
    throw new FlagConfigError({ file: source }, `not a plain JSON-like object: ${firstLine(err)}`);
  }
  return build(copy, source, contentHash(text));
}

function build(value: unknown, source: string, hash: string): FlagSet {
  assertNoForbiddenKeys(value, source);
  const file = checkFlagFileShape(value, source);
  return compileFlagSet(file, source, { id: baseName(source), version: hash });
}

/** Base name without directory and extension: `config/flags.yaml` -> `flags`. */
export function baseName(source: string): string {
  const name = source.split(/[\\/]/).pop() ?? source;
  const dot = name.lastIndexOf('.');
  return (dot > 0 ? name.slice(0, dot) : name) || 'flags';
}

/** Anything unexpected (a stack overflow on absurd nesting, a parser bug) still becomes a FlagConfigError. */
function guarded(source: string, run: () => FlagSet): FlagSet {
  try {
    return run();
  } catch (err) {
    if (err instanceof FlagConfigError) throw err;
    throw new FlagConfigError({ file: source }, `could not read the flag file: ${firstLine(err)}`);
  }
}

function contentHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 12);
}
