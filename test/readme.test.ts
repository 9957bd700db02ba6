/**
 * The README's code cannot rot: every ```ts block is type-checked against the packages' source, and every
 * ```yaml block that is a flag file is validated by the same parser the provider uses.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { parseFlags } from '@aiflags/core';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

interface Block {
  lang: string;
  code: string;
  line: number;
}

function codeBlocks(file: string): Block[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const blocks: Block[] = [];
  let open: Block | undefined;
  lines.forEach((text, i) => {
    const fence = /^```(\S*)/.exec(text);
    if (!fence) {
      if (open) open.code += `${text}\n`;
      return;
    }
    if (open) {
      blocks.push(open);
      open = undefined;
    } else {
      open = { lang: fence[1] ?? '', code: '', line: i + 1 };
    }
  });
  return blocks;
}

const readmes = ['README.md'];

describe.each(readmes)('%s', (readme) => {
  const blocks = codeBlocks(join(root, readme));

  it('has TypeScript examples that type-check', () => {
    const tsBlocks = blocks.filter((b) => b.lang === 'ts' || b.lang === 'typescript');
    expect(tsBlocks.length).toBeGreaterThan(0);
    // Inside the repo so that `aiflags` and `@aiflags/*` resolve through the workspace links.
    const dir = mkdtempSync(join(root, 'test', '.readme-'));
    try {
      const files = tsBlocks.map((b, i) => {
        const file = join(dir, `block-${i}-line-${b.line}.ts`);
        // Each block is its own module; blocks may use top-level await.
        writeFileSync(file, `${b.code}\nexport {};\n`);
        return file;
      });
      const program = ts.createProgram(files, {
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        customConditions: ['source'],
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: ['node'],
      });
      const problems = ts
        .getPreEmitDiagnostics(program)
        .filter((d) => d.file && files.includes(d.file.fileName))
        .map((d) => {
          const where = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
          const block = /line-(\d+)/.exec(d.file!.fileName)![1];
          return `${readme} block at line ${block}, line ${where.line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
        });
      expect(problems).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // A whole-program type check of the packages the blocks import: seconds alone, longer on a busy machine.
  }, 240_000);

  it('has flag-file examples that validate', () => {
    const flagFiles = blocks.filter((b) => (b.lang === 'yaml' || b.lang === 'yml') && /^(flags|killSwitches|segments):/m.test(b.code));
    expect(flagFiles.length).toBeGreaterThan(0);
    for (const b of flagFiles) {
      expect(() => parseFlags(b.code, `${readme}:${b.line}`), `${readme} yaml block at line ${b.line}`).not.toThrow();
    }
  });
});
