import { readFile, rename, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { isMap, isNode, isScalar, parseDocument } from 'yaml';
import { AUDIT_ACTIONS, isFlagdDocument, parseFlags, type CompiledFlag, type FlagOverride } from '@aiflags/core';
import { measureFlag, promotedVariant } from '@aiflags/ai';
import { watchDelivery, type DeliveryWait } from '@aiflags/provider';
import { withRuntime } from '../../runtime.js';
import { action, CliError } from '../cli-error.js';
import { flagsPathFor } from '../global-options.js';
import { printable, printableJson } from '../printable.js';
import { readFlagSet } from '../read-flag-set.js';
import { DEFAULT_WAIT_S, deliveryConfirmed, deliveryJson, EXIT_UNCONFIRMED, parseWait, printDelivery } from './kill.js';

interface PromoteOptions {
  reason?: string;
  actor?: string;
  write?: boolean;
  json?: boolean;
  /** Seconds as typed, or false for --no-wait. */
  wait?: string | boolean;
}

/**
 * `aiflags promote <flag> [variant]`: ends a test. The variant (by default the gate's winner) becomes what
 * the flag serves, in the live state at once and audited; the flag-file edit that makes it permanent is
 * printed, or applied with --write (comments and layout kept), which also clears the live override.
 */
export function register(program: Command): void {
  program
    .command('promote')
    .description("end a test: serve the winner (or the named variant) to everyone now, and make it the flag's default")
    .argument('<flag>', 'flag key')
    .argument('[variant]', "the variant to promote (default: the report's winner, or the rollout's treatment when the gate says promote)")
    .option('--reason <text>', 'why; recorded in the audit log')
    .option('--actor <name>', 'who; default: the OS user')
    .option('--write', 'also edit the flag file: defaultVariant becomes the variant, the split or rollout goes')
    .option('--json', 'print what changed, and who confirmed it, as JSON')
    .option('--wait <seconds>', `how long to wait for every running instance to confirm (default ${DEFAULT_WAIT_S})`)
    .option('--no-wait', 'write the change and do not wait for confirmations')
    .action(
      action(async (flagKey: string, variant: string | undefined, opts: PromoteOptions, command: Command) => {
        await promote(flagsPathFor(command), flagKey, variant, opts);
      }),
    );
}

async function promote(flagsPath: string, flagKey: string, named: string | undefined, opts: PromoteOptions): Promise<void> {
  const set = await readFlagSet(flagsPath);
  const flag = set.flags.get(flagKey);
  if (!flag)
    throw new CliError(
      `${flagsPath}: no flag '${flagKey}'${set.killSwitches.has(flagKey) ? ` ('${flagKey}' is a kill switch: use aiflags kill / revive)` : ''}`,
    );
  const variants = Object.keys(flag.definition.variants);
  if (named !== undefined && !variants.includes(named)) {
    throw new CliError(`${flagsPath}: flag '${flagKey}' has no variant '${named}' (variants: ${variants.join(', ')})`);
  }
  const waitS = parseWait(opts.wait);
  await withRuntime({ flags: flagsPath }, async (runtime) => {
    let delivery: DeliveryWait | undefined;
    try {
      if (runtime.spec.backend !== 'local') {
        // The overlay on a vendor backend applies kill switches and flags switched off; the vendor serves the rest.
        throw new CliError(
          `AIFLAGS_BACKEND=${runtime.spec.backend}: the vendor serves this flag's variants, so promote it there (aiflags promote acts on the local backend's live state)`,
        );
      }
      const live = runtime.state.current().flags[flagKey];
      const variant = named ?? (await chooseWinner(flag, runtime.metrics, live));
      const reason = opts.reason ?? (named === undefined ? `promoted the winner '${variant}'` : `promoted '${variant}'`);
      const meta = { action: AUDIT_ACTIONS.promote, reason, actor: opts.actor ?? runtime.spec.actor };
      // Listening starts before the write, so a fast instance's confirmation cannot slip past.
      delivery = waitS === undefined ? undefined : await watchDelivery(runtime.presence);
      const startedAt = performance.now();
      const state = await runtime.state.setFlagOverride(flagKey, { ...live, variant, rolloutStatus: 'promoted' }, meta);
      const report = delivery && waitS !== undefined ? await delivery.until(state.version, waitS * 1000, startedAt) : undefined;
      if (report !== undefined && !deliveryConfirmed(report)) process.exitCode = EXIT_UNCONFIRMED;

      const edit = `in ${flagsPath}, flags.${flagKey}: set defaultVariant: ${variant}${flag.definition.split ? ' and remove split' : ''}${flag.definition.rollout ? ' and remove rollout' : ''}`;
      let written = false;
      if (opts.write) {
        await writePromotion(flagsPath, flagKey, variant);
        written = true;
        // The file now says it; a live override left behind would pin the variant through the next test.
        const { variant: _promoted, rolloutStatus: _status, droppedVariants: _dropped, ...rest } = runtime.state.current().flags[flagKey] ?? {};
        await runtime.state.setFlagOverride(flagKey, Object.keys(rest).length ? rest : null, {
          action: AUDIT_ACTIONS.clearOverride,
          reason: `promotion of '${variant}' written to ${flagsPath}`,
          actor: meta.actor,
        });
      }
      if (opts.json) {
        process.stdout.write(
          `${printableJson({ flag: flagKey, variant, live: !written, fileEdit: written ? 'written' : edit, store: runtime.spec.storeLabel, instances: deliveryJson(report) })}\n`,
        );
        return;
      }
      const rules = flag.definition.rules.length ? ' (targeting rules still apply)' : '';
      process.stdout.write(
        `promoted ${printable(flagKey)}: every user now gets '${printable(variant)}'${rules}\n  by ${printable(meta.actor)} — ${printable(reason)}\n`,
      );
      printDelivery(report, runtime.spec.storeLabel, waitS);
      process.stdout.write(
        written
          ? `  ${printable(flagsPath)} updated (defaultVariant: ${printable(variant)}); the live override is cleared\n`
          : `  live state only, until the flag file says so: ${printable(edit)} (or run again with --write)\n`,
      );
    } finally {
      await delivery?.stop();
    }
  });
}

/** The gate's pick, over the window `aiflags report` shows: the winner of a multi-arm test, or the treatment of a rollout the gate promotes. */
async function chooseWinner(flag: CompiledFlag, metrics: Parameters<typeof measureFlag>[0], live: FlagOverride | undefined): Promise<string> {
  const { verdict } = await measureFlag(metrics, flag, { live });
  const winner = promotedVariant(verdict);
  if (winner !== undefined) return winner;
  const why = verdict.reasons.find((r) => r.startsWith('no winner yet')) ?? `the gate says ${verdict.decision}: ${verdict.reasons[0] ?? 'no data'}`;
  throw new CliError(`${flag.key}: nothing to promote yet (${why}); name the variant to promote it anyway: aiflags promote ${flag.key} <variant>`);
}

/**
 * The flag file with `defaultVariant: <variant>` and no top-level split or rollout. YAML is edited in place
 * at the source ranges the parser reports, so every other byte (comments, spacing, quoting) stays as it
 * was; JSON is re-serialized. The result is parsed and checked before it replaces the file, and the
 * replacement is atomic (write beside, rename), so a reader never sees half a file.
 */
async function writePromotion(path: string, flagKey: string, variant: string): Promise<void> {
  const text = await readFile(path, 'utf8');
  if (isFlagdText(text, path)) {
    throw new CliError(
      `${path}: a flagd file is not edited in place (the live promotion stands); run aiflags import --from flagd ${path} --out flags.yaml and promote there`,
    );
  }
  const next = /\.json$/i.test(path) ? promoteInJson(text, flagKey, variant) : promoteInYaml(text, flagKey, variant);
  const def = parseFlags(next, path).flags.get(flagKey)?.definition;
  if (!def || def.defaultVariant !== variant || def.split || def.rollout) {
    throw new CliError(
      `${path}: could not edit flags.${flagKey} in place (the live promotion stands); set defaultVariant: ${variant} and remove its split or rollout by hand`,
    );
  }
  const temp = `${path}.aiflags-promote-${process.pid}`;
  await writeFile(temp, next);
  await rename(temp, path);
}

function isFlagdText(text: string, path: string): boolean {
  if (!/\.json$/i.test(path)) return false;
  try {
    return isFlagdDocument(JSON.parse(text), path);
  } catch {
    return false;
  }
}

function promoteInJson(text: string, flagKey: string, variant: string): string {
  const doc = JSON.parse(text) as { flags: Record<string, Record<string, unknown>> };
  const entry = doc.flags[flagKey]!;
  entry['defaultVariant'] = variant;
  delete entry['split'];
  delete entry['rollout'];
  return `${JSON.stringify(doc, null, 2)}\n`;
}

function promoteInYaml(text: string, flagKey: string, variant: string): string {
  const doc = parseDocument(text);
  const flag = doc.getIn(['flags', flagKey], true);
  if (!isMap(flag)) throw new CliError(`flags.${flagKey} is not a mapping the promotion can edit`);
  const edits: Array<{ from: number; to: number; insert: string }> = [];
  const lineStart = (at: number) => text.lastIndexOf('\n', at - 1) + 1;
  const lineEnd = (at: number) => {
    const nl = text.indexOf('\n', at);
    return nl === -1 ? text.length : nl + 1;
  };
  const value = /^[A-Za-z_][\w.-]*$/.test(variant) ? variant : JSON.stringify(variant);
  for (const pair of flag.items) {
    const key = isScalar(pair.key) ? pair.key.value : undefined;
    const keyRange = isScalar(pair.key) ? pair.key.range : undefined;
    const valueRange = isNode(pair.value) ? pair.value.range : undefined;
    if (!keyRange || !valueRange) continue;
    if (key === 'defaultVariant') edits.push({ from: valueRange[0], to: valueRange[1], insert: value });
    // The whole entry, from its line's start through the end of the line its value ends on.
    if (key === 'split' || key === 'rollout') edits.push({ from: lineStart(keyRange[0]), to: lineEnd(Math.max(valueRange[1] - 1, keyRange[1])), insert: '' });
  }
  let out = text;
  for (const e of edits.sort((a, b) => b.from - a.from)) out = out.slice(0, e.from) + e.insert + out.slice(e.to);
  return out;
}
