import type { Command } from 'commander';
import { FlagConfigError, type FlagSet } from '@aiflags/core';
import { templateVariables } from '@aiflags/ai';
import { action, oneLine } from '../cli-error.js';
import { flagsPathFor } from '../global-options.js';
import { printable, printableJson } from '../printable.js';
import { readFlagSet } from '../read-flag-set.js';

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** "flags.yaml: 7 flags, 2 segments, 1 kill switch — OK" */
export function summaryLine(file: string, set: FlagSet): string {
  return `${file}: ${plural(set.flags.size, 'flag', 'flags')}, ${plural(set.segments.size, 'segment', 'segments')}, ${plural(set.killSwitches.size, 'kill switch', 'kill switches')} — OK`;
}

export function register(program: Command): void {
  program
    .command('validate')
    .description('check flag files; exit 1 with one line per bad file naming file, flag and field')
    .argument('[files...]', 'flag files (YAML or JSON); default: --flags, $AIFLAGS_FLAGS or ./flags.yaml')
    .option('--json', 'print one JSON line per file')
    .action(
      action(async (files: string[], options: { json?: boolean }, command: Command) => {
        for (const file of files.length > 0 ? files : [flagsPathFor(command)]) if (!(await validateOne(file, options.json === true))) process.exitCode = 1;
      }),
    );
}

/** The `{{variables}}` of each prompt: the string variants of every `changeType: system-prompt` flag. */
export function promptVariables(set: FlagSet): Record<string, Record<string, string[]>> {
  const out: Record<string, Record<string, string[]>> = {};
  for (const flag of set.flags.values()) {
    if (flag.changeType !== 'system-prompt' || flag.type !== 'string') continue;
    const variants: Record<string, string[]> = {};
    for (const [variant, text] of Object.entries(flag.definition.variants)) variants[variant] = templateVariables(text as string);
    out[flag.key] = variants;
  }
  return out;
}

/** "  prompt 'system-prompt': {{product}} in every variant (helpful, concise)", or one part per variant when they differ. */
export function promptLines(set: FlagSet): string[] {
  return Object.entries(promptVariables(set)).map(([key, variants]) => {
    const show = (names: string[]) => (names.length === 0 ? 'no {{variables}}' : names.map((n) => `{{${n}}}`).join(', '));
    const lists = Object.values(variants).map((names) => [...names].sort().join('\u0000'));
    const same = lists.every((l) => l === lists[0]);
    const first = Object.values(variants)[0] ?? [];
    const body = same
      ? `${show(first)}${first.length > 0 ? ' in every variant' : ''} (${Object.keys(variants).join(', ')})`
      : Object.entries(variants)
          .map(([variant, names]) => `${variant}: ${show(names)}`)
          .join('; ');
    return `  prompt '${key}': ${body}`;
  });
}

/** Validates one file and prints its line; returns whether it is good. */
async function validateOne(file: string, json: boolean): Promise<boolean> {
  let set: FlagSet;
  try {
    set = await readFlagSet(file);
  } catch (error) {
    const line = oneLine(error);
    if (json) {
      const e = error instanceof FlagConfigError ? error : undefined;
      const where = { flag: e?.flag, segment: e?.segment, killSwitch: e?.killSwitch, field: e?.field };
      process.stdout.write(`${printableJson({ file, ok: false, error: { message: line, ...where } })}\n`);
    } else {
      process.stderr.write(`${printable(line)}\n`);
    }
    return false;
  }
  if (json) {
    const counts = { flags: set.flags.size, segments: set.segments.size, killSwitches: set.killSwitches.size };
    process.stdout.write(`${printableJson({ file, ok: true, id: set.id, version: set.version, ...counts, prompts: promptVariables(set) })}\n`);
  } else {
    process.stdout.write(`${[summaryLine(file, set), ...promptLines(set)].map(printable).join('\n')}\n`);
  }
  return true;
}
