import { readdir, readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import { KEY_PATTERN } from '@aiflags/core';
import type TS from 'typescript';

/** What a call expects the key to be: a kill switch, or a flag whose variants have one JSON type. */
export type KeyExpectation = 'switch' | 'object' | 'string' | 'number' | 'boolean' | 'any';

/** The calls whose first argument is a flag or switch key, and what each expects. */
export const KEY_CALLS: Readonly<Record<string, KeyExpectation>> = {
  guard: 'switch',
  guardOrThrow: 'switch',
  model: 'object',
  prompt: 'string',
  variant: 'any',
  getBooleanValue: 'boolean',
  getBooleanDetails: 'boolean',
  getStringValue: 'string',
  getStringDetails: 'string',
  getNumberValue: 'number',
  getNumberDetails: 'number',
  getObjectValue: 'object',
  getObjectDetails: 'object',
};

/** One key read by the code. `line` and `column` are 1-based. */
export interface KeyUse {
  key: string;
  call: string;
  expects: KeyExpectation;
  file: string;
  line: number;
  column: number;
}

/** A call of one of KEY_CALLS whose key is computed, so it cannot be checked. */
export interface DynamicKeyUse {
  call: string;
  file: string;
  line: number;
  column: number;
}

export interface KeyScan {
  /** How many source files were read. */
  files: number;
  uses: KeyUse[];
  dynamic: DynamicKeyUse[];
}

const SOURCE_EXTENSIONS = /\.(?:[cm]?[jt]s|[jt]sx)$/;
const SKIPPED_DIRECTORIES = new Set(['node_modules', 'dist', 'build', 'coverage', '.git', '.aiflags', '.turbo', '.next']);

/**
 * Finds the flag and switch keys a source tree uses: string literals as the first argument of guard,
 * model, prompt, variant and OpenFeature's get*Value / get*Details calls, in TypeScript and JavaScript,
 * read with the TypeScript compiler's parser (no type checking, so any file parses). A literal that is
 * not a valid key (`prompt('Your name?')`) is some other API's call and is left out. File names are
 * relative to `cwd`; node_modules, dist and other build output are skipped.
 */
export async function findKeyUses(ts: typeof TS, root: string, cwd: string = process.cwd()): Promise<KeyScan> {
  const scan: KeyScan = { files: 0, uses: [], dynamic: [] };
  for (const path of await sourceFiles(root)) {
    const text = await readFile(path, 'utf8');
    scan.files++;
    const rel = relative(cwd, path);
    scanSource(ts, rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path, text, scan);
  }
  return scan;
}

/** Adds the key uses in one file's text to `scan`. */
export function scanSource(ts: typeof TS, file: string, text: string, scan: Pick<KeyScan, 'uses' | 'dynamic'>): void {
  const kind = /\.[cm]?tsx?$/.test(file)
    ? file.endsWith('x')
      ? ts.ScriptKind.TSX
      : ts.ScriptKind.TS
    : file.endsWith('x')
      ? ts.ScriptKind.JSX
      : ts.ScriptKind.JS;
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
  const visit = (node: TS.Node): void => {
    if (ts.isCallExpression(node)) {
      const call = calleeName(ts, node.expression);
      const expects = call !== undefined && Object.hasOwn(KEY_CALLS, call) ? KEY_CALLS[call] : undefined;
      const first = node.arguments[0];
      if (call !== undefined && expects !== undefined && first !== undefined) {
        const { line, character } = source.getLineAndCharacterOfPosition(first.getStart(source));
        const at = { call, file, line: line + 1, column: character + 1 };
        if (ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first)) {
          if (KEY_PATTERN.test(first.text)) scan.uses.push({ key: first.text, expects, ...at });
        } else if (ts.isPropertyAccessExpression(node.expression)) {
          // A bare `model(x)` with a variable is too likely to be some other function to report.
          scan.dynamic.push(at);
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
}

/** `flags.guard` / `this.flags.guard` / `flags?.guard` / `guard` → `guard`. */
function calleeName(ts: typeof TS, callee: TS.Expression): string | undefined {
  if (ts.isPropertyAccessExpression(callee)) return ts.isIdentifier(callee.name) ? callee.name.text : undefined;
  if (ts.isIdentifier(callee)) return callee.text;
  return undefined;
}

async function sourceFiles(root: string): Promise<string[]> {
  if ((await stat(root)).isFile()) return [root];
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(entry.name)) await walk(path);
      } else if (entry.isFile() && SOURCE_EXTENSIONS.test(entry.name) && !/\.d\.[cm]?ts$/.test(entry.name)) {
        out.push(path);
      }
    }
  };
  await walk(root);
  return out;
}
