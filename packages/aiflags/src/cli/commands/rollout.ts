import type { Command } from 'commander';
import {
  fmtHours,
  fmtWorst,
  type ReplayResult,
  type ReplayResultStore,
  RolloutController,
  type RolloutAction,
  type RolloutEvidence,
  SHADOW_VERSION,
  type StageEvidence,
} from '@aiflags/ai';
import { AUDIT_ACTIONS, type FlagSet } from '@aiflags/core';
import { FileReplayResults } from '@aiflags/file';
import { type Runtime, withRuntime } from '../../runtime.js';
import { action, CliError, oneLine } from '../cli-error.js';
import { flagsPathFor } from '../global-options.js';
import { printable, printableJson } from '../printable.js';
import { readFlagSet } from '../read-flag-set.js';

/** `aiflags rollout status|run`: where each flag stands in its plan, and the controller loop. */
export function register(program: Command): void {
  const rollout = program.command('rollout').description('rollout plans per change type: status, and the controller that walks them');

  rollout
    .command('status')
    .description('show each managed flag: plan, stage or step, the evidence of its replay and shadow stages, what is missing, hold time left')
    .argument('[flag]', 'only this flag')
    .option('--json', 'one JSON object per flag')
    .action(
      action(async (flagKey: string | undefined, opts: { json?: boolean }, command: Command) => {
        const flagsPath = flagsPathFor(command);
        const set = await readFlagSet(flagsPath);
        if (flagKey !== undefined && !set.flags.has(flagKey)) throw new CliError(`${flagsPath}: no flag '${flagKey}'`);
        await withRuntime({ flags: flagsPath }, async (runtime) => {
          const controller = controllerFor(runtime, set);
          const progress = await controller.evidence(flagKey);
          if (opts.json) {
            for (const p of progress) process.stdout.write(`${printableJson(p)}\n`);
            return;
          }
          if (progress.length === 0) {
            const why = flagKey ? `'${flagKey}' has no rollout plan` : 'no flag has a rollout plan';
            process.stdout.write(`${why}: a plan needs changeType (model-swap, system-prompt, new-tool, parameter, agent-workflow) and a top-level rollout\n`);
            return;
          }
          process.stdout.write(`${progress.map(formatProgress).join('\n')}\n`);
        });
      }),
    );

  rollout
    .command('reset')
    .description("forget a flag's rollout progress (after a rollback or promotion): the file's percentage applies again")
    .argument('<flag>', 'flag key')
    .option('--reason <text>', 'why; recorded in the audit log')
    .option('--actor <name>', 'who; default: the OS user')
    .action(
      action(async (flagKey: string, opts: { reason?: string; actor?: string }, command: Command) => {
        const flagsPath = flagsPathFor(command);
        const set = await readFlagSet(flagsPath);
        const flag = set.flags.get(flagKey);
        if (!flag) throw new CliError(`${flagsPath}: no flag '${flagKey}'`);
        await withRuntime({ flags: flagsPath }, async (runtime) => {
          const meta: { reason?: string; actor?: string; action: string } = { action: AUDIT_ACTIONS.rolloutReset };
          if (opts.reason !== undefined) meta.reason = opts.reason;
          if (opts.actor !== undefined) meta.actor = opts.actor;
          await runtime.state.setFlagOverride(flagKey, null, meta);
          const percentage = flag.definition.rollout?.percentage;
          process.stdout.write(`reset ${flagKey}: no live override${percentage !== undefined ? `, back to the file's ${percentage} %` : ''}\n`);
        });
      }),
    );

  rollout
    .command('run')
    .description('run the rollout controller: advance on evidence, roll back on a regression')
    .option('--once', 'one pass, then exit')
    .option('--interval <seconds>', 'seconds between passes', '60')
    .option('--json', 'one JSON line per action')
    .option('--skip-stage <stage>', 'skip an evidence stage (replay or shadow) before the pass; needs --reason, recorded in the audit log')
    .option('--flag <key>', 'with --skip-stage: only this flag (default: every managed flag not yet past that stage)')
    .option('--reason <text>', 'why the stage is skipped')
    .option('--actor <name>', 'who skips; default: the OS user')
    .action(
      action(async (opts: RunOptions, command: Command) => {
        const interval = Number(opts.interval);
        if (!(interval > 0)) throw new CliError(`--interval: expected seconds > 0, got '${opts.interval}'`);
        if (opts.skipStage === undefined && (opts.flag !== undefined || opts.reason !== undefined)) {
          throw new CliError('--flag and --reason go with --skip-stage <replay|shadow>');
        }
        if (opts.skipStage !== undefined && opts.skipStage !== 'replay' && opts.skipStage !== 'shadow') {
          throw new CliError(`--skip-stage: expected replay or shadow, got '${opts.skipStage}'`);
        }
        if (opts.skipStage !== undefined && !opts.reason?.trim()) {
          throw new CliError(`--skip-stage ${opts.skipStage} needs --reason "…": skipping evidence is recorded in the audit log with who and why`);
        }
        const flagsPath = flagsPathFor(command);
        let set: FlagSet = await readFlagSet(flagsPath);
        if (opts.flag !== undefined && !set.flags.has(opts.flag)) throw new CliError(`${flagsPath}: no flag '${opts.flag}'`);
        await withRuntime({ flags: flagsPath }, async (runtime) => {
          const controller = controllerFor(runtime, () => set);
          if (opts.skipStage !== undefined) await skip(controller, opts.skipStage, opts);
          // A hold repeats every pass; print it only when what it says changed.
          const lastHold = new Map<string, string>();
          const print = (actions: RolloutAction[]) => {
            for (const a of actions) {
              const text = formatAction(a);
              if (a.action === 'hold' && lastHold.get(a.flagKey) === text) continue;
              if (a.action === 'hold') lastHold.set(a.flagKey, text);
              else lastHold.delete(a.flagKey);
              process.stdout.write(`${opts.json ? printableJson({ at: new Date().toISOString(), ...a }) : text}\n`);
            }
          };
          if (opts.once) {
            print(await controller.tick());
            return;
          }
          let stopped = false;
          const stop = new Promise<void>((resolve) => {
            const onSignal = () => {
              stopped = true;
              resolve();
            };
            process.once('SIGINT', onSignal);
            process.once('SIGTERM', onSignal);
          });
          while (!stopped) {
            try {
              // Re-read the file each pass so edits apply; a bad edit keeps the last good flags.
              set = await readFlagSet(flagsPath);
            } catch (error) {
              process.stderr.write(`aiflags: ${printable(oneLine(error))} (keeping the last good flags)\n`);
            }
            print(await controller.tick());
            // A referenced timer: it is what keeps the process alive between passes.
            let timer: NodeJS.Timeout | undefined;
            await Promise.race([stop, new Promise((resolve) => (timer = setTimeout(resolve, interval * 1000)))]);
            clearTimeout(timer);
          }
        });
      }),
    );
}

interface RunOptions {
  once?: boolean;
  interval: string;
  json?: boolean;
  skipStage?: string;
  flag?: string;
  reason?: string;
  actor?: string;
}

/**
 * The controller over the runtime's state and metrics. Replay evidence is read from `.aiflags/replay/`, where
 * `aiflags replay` writes it; shadow evidence from where the apps' runners write it, the same folder or Redis.
 */
function controllerFor(runtime: Runtime, flags: FlagSet | (() => FlagSet)): RolloutController {
  const replayed = new FileReplayResults<ReplayResult>(runtime.stateDir);
  const shadows = runtime.shadows;
  const pick = (flagVersion: string): ReplayResultStore => (flagVersion === SHADOW_VERSION ? shadows : replayed);
  const replays: ReplayResultStore = {
    stream: (flagKey, flagVersion) => pick(flagVersion).stream(flagKey, flagVersion),
    append: (result) => pick(result.flagVersion).append(result),
  };
  return new RolloutController({ state: runtime.state, metrics: runtime.metrics, flags, replays });
}

/** Skips a stage for --flag, or for every managed flag whose plan has it and is not past it yet. */
async function skip(controller: RolloutController, stage: string, opts: RunOptions): Promise<void> {
  const meta = { reason: opts.reason!, ...(opts.actor !== undefined ? { actor: opts.actor } : {}) };
  const keys =
    opts.flag !== undefined
      ? [opts.flag]
      : controller
          .status()
          .filter((p) => p.stages.includes(stage as 'replay') && !p.skippedStages.includes(stage as 'replay'))
          .map((p) => p.flagKey);
  if (keys.length === 0) throw new CliError(`--skip-stage ${stage}: no managed flag is before or in its ${stage} stage`);
  for (const key of keys) {
    try {
      await controller.skipStage(key, stage, meta);
    } catch (error) {
      throw new CliError(`--skip-stage ${stage}: ${oneLine(error)}`, { cause: error });
    }
    process.stderr.write(`skipped the ${stage} stage of ${printable(key)} (audited)\n`);
  }
}

function formatProgress(p: RolloutEvidence): string {
  const plan = [
    ...p.stages.map((s) => (s === p.stage ? `[${s}]` : s)),
    ...p.steps.map((s, i) => (p.stage === 'percentages' && i === p.step ? `[${s} %]` : `${s} %`)),
  ].join(' → ');
  const hold = p.status === 'running' && p.holdRemainingMs > 0 ? `, hold ${Math.round(p.holdRemainingMs / 360_000) / 10} h left` : '';
  const stage = p.stage !== undefined && p.stage !== 'percentages' ? `, stage ${p.stage}` : '';
  const lines = [
    `${printable(p.flagKey)}  ${printable(p.changeType)}  ${printable(p.status)}  ${p.percentage} % on '${printable(p.treatment)}'${stage}${hold}`,
    `  plan ${plan}`,
  ];
  // Stages skipped and already behind are not in the evidence; list them the way a skipped current stage reads.
  for (const skipped of p.skippedStages) if (!p.evidence.some((e) => e.stage === skipped)) lines.push(`  ${skippedLine(skipped)}`);
  for (const e of p.evidence) lines.push(`  ${formatEvidence(e)}`);
  if (p.missing.length > 0) lines.push(`  missing: ${p.missing.map(printable).join('; ')}`);
  return lines.join('\n');
}

function skippedLine(stage: string): string {
  return `${stage}: skipped (who and why: aiflags audit)`;
}

/** `replay: failed — 212 cases, 200 paired (of 200), verdict rollback, worst quality −0.4 (p < 0.001)`. */
function formatEvidence(e: StageEvidence): string {
  if (e.state === 'skipped') return skippedLine(e.stage);
  const parts: string[] = [];
  if (e.stage === 'replay') parts.push(`${e.cases} cases run, ${e.paired} of ${e.required} paired${e.flagVersion ? ` (flag version ${e.flagVersion})` : ''}`);
  else {
    parts.push(`${e.cases} shadow runs, ${e.paired} of ${e.required} paired requests`);
    if (e.heldMs !== undefined && e.holdMs !== undefined) parts.push(`held ${fmtHours(e.heldMs)} of ${fmtHours(e.holdMs)}`);
  }
  if (e.verdict !== undefined) parts.push(`verdict ${e.verdict}`);
  if (e.worst !== undefined) parts.push(`worst ${fmtWorst(e.worst)}`);
  const why = e.state === 'failed' ? `\n    - ${e.reasons.map(printable).join('\n    - ')}` : '';
  return `${e.stage}: ${e.state} — ${printable(parts.join(', '))}${why}`;
}

function formatAction(a: RolloutAction): string {
  const move = a.from === a.to ? `stays at ${a.to} %` : `${a.from} % → ${a.to} %`;
  // A multi-arm test: which arms went, or which variant everyone gets now.
  const arms = a.dropped?.length ? `, dropped ${a.dropped.map((v) => `'${printable(v)}'`).join(', ')}` : '';
  const serves = a.variant !== undefined ? `, everyone gets '${printable(a.variant)}'` : '';
  return `${printable(a.flagKey)}: ${printable(a.action)} (${move}${arms}${serves})${a.reasons.map((r) => `\n  - ${printable(r)}`).join('')}`;
}
