/** Entry points: flag file text or a plain object in, a compiled frozen FlagSet out (or a FlagConfigError). */
import { checkFlagFileShape } from './check-schema.js';
import { compileFlagSet, compileFlagSetInSlices } from './compile-flag-set.js';
import { assertNoForbiddenKeys } from './config-path.js';
import { contentVersion } from './content-version.js';
import { flagFileFromFlagd } from '../flagd/from-flagd.js';
import { isFlagdDocument } from '../flagd/flagd-document.js';
import { refuseFlagdErrorVariants } from '../flagd/reserved-variants.js';
import { FlagConfigError } from './flag-config-error.js';
import type { FlagSet } from './flag-set.js';
import { decodeFlagText, firstLine, readFlagDocument } from './read-document.js';
import type { FlagFile, FlagInput } from './schema.js';

/**
 * A flag file read and checked against the schema, not yet compiled: plain data, so a worker thread can
 * check a file and post it (see `compileCheckedFlags`). `version` is the content hash used when the file
 * names none.
 */
export interface CheckedFlagFile {
  source: string;
  file: FlagFile;
  version: string;
}

/**
 * Parses a YAML or JSON flag file. `file` names the source in error messages and gives the default set id
 * (its base name without extension). Throws FlagConfigError on the first problem.
 */
export function parseFlags(content: string | Uint8Array, file: string): FlagSet {
  return guarded(file, () => compileCheckedFlags(checkFlags(content, file)));
}

/** Reads and schema-checks a flag file without compiling it. Throws FlagConfigError on the first problem the schema finds. */
export function checkFlags(content: string | Uint8Array, file: string): CheckedFlagFile {
  return guarded(file, () => {
    const text = decodeFlagText(content, file);
    const value = readFlagDocument(text, file);
    assertNoForbiddenKeys(value, file);
    return { source: file, file: checkFlagFileShape(fromDialect(value, file), file), version: contentVersion(text) };
  });
}

/** Compiles a checked flag file (the cross-field checks run here). Throws FlagConfigError. */
export function compileCheckedFlags(checked: CheckedFlagFile): FlagSet {
  return guarded(checked.source, () => compileFlagSet(checked.file, checked.source, defaultsOf(checked)));
}

/**
 * compileCheckedFlags in slices of flags with `pause()` awaited between them (default: a zero timeout),
 * so a large file does not hold the event loop. Same result and errors. `flags`, when given, are the
 * file's flags in order (then `checked.file.flags` is not read), taken one by one as they are compiled:
 * a worker's chunks of flags can be received slice by slice.
 */
export async function compileCheckedFlagsInSlices(
  checked: CheckedFlagFile,
  options: { pause?: () => Promise<void>; flags?: Iterable<readonly [string, FlagInput]> } = {},
): Promise<FlagSet> {
  try {
    const { flags: written, ...head } = checked.file;
    const flags = options.flags ?? written ?? {};
    return await compileFlagSetInSlices(head, flags, checked.source, defaultsOf(checked), options.pause);
  } catch (err) {
    throw asConfigError(checked.source, err);
  }
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
  assertNoForbiddenKeys(copy, source);
  return compileCheckedFlags({ source, file: checkFlagFileShape(fromDialect(copy, source), source), version: contentVersion(text) });
}

/** The one place other flag formats are recognised: a flagd document is translated, anything else is read as aiflags. */
function fromDialect(value: unknown, file: string): unknown {
  if (isFlagdDocument(value, file)) return flagFileFromFlagd(value, file);
  refuseFlagdErrorVariants(value, file);
  return value;
}

function defaultsOf(checked: CheckedFlagFile): { id: string; version: string } {
  return { id: baseName(checked.source), version: checked.version };
}

/** Base name without directory and extension: `config/flags.yaml` -> `flags`. */
export function baseName(source: string): string {
  const name = source.split(/[\\/]/).pop() ?? source;
  const dot = name.lastIndexOf('.');
  return (dot > 0 ? name.slice(0, dot) : name) || 'flags';
}

/** Anything unexpected (a stack overflow on absurd nesting, a parser bug) still becomes a FlagConfigError. */
function guarded<T>(source: string, run: () => T): T {
  try {
    return run();
  } catch (err) {
    throw asConfigError(source, err);
  }
}

function asConfigError(source: string, err: unknown): FlagConfigError {
  if (err instanceof FlagConfigError) return err;
  return new FlagConfigError({ file: source }, `could not read the flag file: ${firstLine(err)}`);
}
