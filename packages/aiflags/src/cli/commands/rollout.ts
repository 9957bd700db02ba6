import type { Command } from 'commander';
import { RolloutController, type RolloutAction, type RolloutProgress } from '@aiflags/ai';
import { AUDIT_ACTIONS, type FlagSet } from '@aiflags/core';
import { withRuntime } from '../../runtime.js';
import { action, CliError, oneLine } from '../cli-error.js';
import { flagsPathFor } from '../global-options.js';
import { printable, printableJson } from '../printable.js';
import { readFlagSet } from '../read-flag-set.js';

/** `aiflags rollout status|run`: where each flag stands in its plan, and the controller loop. */
export function register(program: Command): void {
  const rollout = program.command('rollout').description('rollout plans per change type: status, and the controller that walks them');

  rollout
    .command('status')
    .description('show each managed flag: plan, current step, hold time left')
    .argument('[flag]', 'only this flag')
    .option('--json', 'one JSON object per flag')
    .action(
      action(async (flagKey: string | undefined, opts: { json?: boolean }, command: Command) => {
        const flagsPath = flagsPathFor(command);
        const set = await readFlagSet(flagsPath);
        if (flagKey !== undefined && !set.flags.has(flagKey)) throw new CliError(`${flagsPath}: no flag '${flagKey}'`);
        await withRuntime({ flags: flagsPath }, async (runtime) => {
          const controller = new RolloutController({ state: runtime.state, metrics: runtime.metrics, flags: set });
          const progress = controller.status(flagKey);
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
    .action(
      action(async (opts: { once?: boolean; interval: string; json?: boolean }, command: Command) => {
        const interval = Number(opts.interval);
        if (!(interval > 0)) throw new CliError(`--interval: expected seconds > 0, got '${opts.interval}'`);
        const flagsPath = flagsPathFor(command);
        let set: FlagSet = await readFlagSet(flagsPath);
        await withRuntime({ flags: flagsPath }, async (runtime) => {
          const controller = new RolloutController({ state: runtime.state, metrics: runtime.metrics, flags: () => set });
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

function formatProgress(p: RolloutProgress): string {
  const plan = p.steps.map((s, i) => (i === p.step ? `[${s} %]` : `${s} %`)).join(' → ');
  const hold = p.status === 'running' && p.holdRemainingMs > 0 ? `, hold ${Math.round(p.holdRemainingMs / 360_000) / 10} h left` : '';
  return `${printable(p.flagKey)}  ${printable(p.changeType)}  ${printable(p.status)}  ${p.percentage} % on '${printable(p.treatment)}'${hold}\n  plan ${plan}`;
}

function formatAction(a: RolloutAction): string {
  const move = a.from === a.to ? `stays at ${a.to} %` : `${a.from} % → ${a.to} %`;
  // A multi-arm test: which arms went, or which variant everyone gets now.
  const arms = a.dropped?.length ? `, dropped ${a.dropped.map((v) => `'${printable(v)}'`).join(', ')}` : '';
  const serves = a.variant !== undefined ? `, everyone gets '${printable(a.variant)}'` : '';
  return `${printable(a.flagKey)}: ${printable(a.action)} (${move}${arms}${serves})${a.reasons.map((r) => `\n  - ${printable(r)}`).join('')}`;
}
