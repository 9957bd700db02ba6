/**
 * `npm run demo`: the chat service on the embedded default (the flag file beside this example, live state
 * and metrics in its `.aiflags/`, no services). It drives simulated traffic through a model swap and a
 * three-prompt test, where a judge scores a sample of the answers and simulated users send thumbs to
 * `POST /feedback` after reading them; prints each flag's impact report and verdict, then the model swap's shadow
 * traffic (Claude answering a fifth of GPT-4o's requests in the background) through `aiflags shadow`, flips the
 * kill switch with the real CLI, and walks one step of the model swap's rollout plan with the clock moved forward.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { OpenFeature } from '@openfeature/server-sdk';
import {
  aiFlags,
  analyzeImpact,
  createProvider,
  decide,
  expectedShares,
  FileMetricStore,
  FileResponseStore,
  renderImpactReport,
  parseFlags,
  RolloutController,
  resolveRuntime,
} from 'aiflags';
import { createChatService, type ChatResponse } from './chat-service.js';
import { createFeedbackService } from './feedback-service.js';
import { SimulatedModelClient } from './model-client.js';
import { createQualityJudge } from './quality-judge.js';
import { createChatServer } from './server.js';
import { thumbOf } from './simulated-user.js';

const HOUR_MS = 3_600_000;
const here = dirname(fileURLToPath(import.meta.url));
const exampleDir = resolve(here, '..');
const repoRoot = resolve(exampleDir, '../..');
/** How the demo runs the `aiflags` CLI: the build, or the source through tsx when there is no build (tests). */
const defaultCli = existsSync(join(repoRoot, 'packages/aiflags/dist/cli.js'))
  ? [join(repoRoot, 'packages/aiflags/dist/cli.js')]
  : ['--conditions=source', '--import', 'tsx', join(repoRoot, 'packages/aiflags/src/cli.ts')];

export interface DemoOptions {
  flagsPath?: string;
  /** Requests in the first wave (default 4,000) from this many users (default 1,000). */
  requests?: number;
  users?: number;
  /** Concurrent requests in flight (default 64). */
  concurrency?: number;
  /** Scales the simulated model latency (default 1). */
  timeScale?: number;
  /** Where output goes (default stdout). */
  out?: (line: string) => void;
}

export interface DemoResult {
  verdicts: Record<string, string>;
  killed: { refused: number; retryAfter: number | undefined; appliedAfterMs: number };
  revivedStatus: number;
  rollout: { action: string; from: number; to: number };
  /** Wave 1: answers served, answers the judge scored (per flag), and thumbs sent to POST /feedback. */
  judged: { answered: number; byFlag: Record<string, number> };
  thumbs: { sent: number; positive: number; attributed: number };
}

export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const out = options.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const flagsPath = resolve(options.flagsPath ?? join(exampleDir, 'flags.yaml'));
  const stateDir = join(dirname(flagsPath), '.aiflags');
  const users = options.users ?? 1000;
  const requests = options.requests ?? 4000;
  const concurrency = options.concurrency ?? 64;
  const shown = relative(process.cwd(), flagsPath) || flagsPath;

  rmSync(stateDir, { recursive: true, force: true });
  out(`aiflags demo: ${shown}, live state and metrics in ${relative(process.cwd(), stateDir) || stateDir} (fresh)`);

  // Simulated time, so a 48-hour rollout step takes a second. The metric store and the rollout controller
  // read it; the model calls themselves really wait their simulated latency.
  let now = Date.now();
  const clock = () => now;

  await OpenFeature.setProviderAndWait(await createProvider({ flags: flagsPath }));
  const runtime = await resolveRuntime({ flags: flagsPath });
  const metrics = new FileMetricStore({ dir: stateDir, clock });
  const responses = new FileResponseStore({ dir: stateDir, clock });
  const flagSet = parseFlags(readFileSync(flagsPath, 'utf8'), flagsPath);
  // The flag file says which flags the judge scores and at what rate (judges: { quality: { rate } }).
  const flags = aiFlags(OpenFeature.getClient(), {
    // Shadow results go to this flag file's .aiflags/replay/, where `aiflags shadow` and `aiflags rollout` read them.
    runtime: { flags: flagsPath },
    shadowing: { concurrency: 32 },
    metrics,
    meter: false,
    flags: flagSet,
    judges: { quality: createQualityJudge() },
    judging: { clock, concurrency: 16 },
    responses,
  });
  const chat = createChatService({ flags, client: new SimulatedModelClient({ seed: 7, timeScale: options.timeScale ?? 1 }) });
  const server = createChatServer(chat, createFeedbackService({ flags })).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  out(`serving POST ${base}/chat and POST ${base}/feedback\n`);

  const send = async (path: string, body: unknown) => {
    const res = await fetch(`${base}${path}`, { method: 'POST', body: JSON.stringify(body) });
    return { status: res.status, body: await res.json() };
  };
  const thumbs = { answered: 0, sent: 0, positive: 0, attributed: 0 };
  // A user asks, reads the answer, and now and then clicks a thumb: a second request, after the first.
  const post = async (userId: string): Promise<ChatResponse> => {
    const res = (await send('/chat', { userId, message: 'How do I reverse a list in Python?' })) as ChatResponse;
    if (res.status !== 200) return res;
    thumbs.answered++;
    const kind = thumbOf(res.body.responseId, res.body.reply);
    if (kind) {
      const ack = await send('/feedback', { responseId: res.body.responseId, kind });
      thumbs.sent++;
      if (kind === 'positive') thumbs.positive++;
      if (ack.status === 202 && (ack.body as { attributed: number }).attributed > 0) thumbs.attributed++;
    }
    return res;
  };

  const controller = new RolloutController({ state: runtime.state, metrics, flags: flagSet, clock });
  const verdicts: Record<string, string> = {};
  try {
    // The rollout controller takes the model swap over at the percentage the file gives it.
    // It also runs the three-way prompt test: per arm, dropping an arm that regresses, promoting a winner.
    for (const start of await controller.tick()) out(`rollout: ${start.flagKey} ${describe(start)}`);

    now += HOUR_MS;
    await drive(
      `wave 1: ${requests.toLocaleString('en')} requests from ${users.toLocaleString('en')} users`,
      requests,
      (i) => `user-${i % users}`,
      post,
      concurrency,
      out,
    );
    await flags.judges?.drain();
    await metrics.flush();
    const judged = { answered: thumbs.answered, byFlag: judgedByFlag(flags.judges?.stats().byVariant ?? []) };
    for (const [flagKey, n] of Object.entries(judged.byFlag)) {
      out(
        `judge: quality scored ${n.toLocaleString('en')} of ${judged.answered.toLocaleString('en')} answers for ${flagKey} (the file's rate, by response id)`,
      );
    }
    const wave1Thumbs = { sent: thumbs.sent, positive: thumbs.positive, attributed: thumbs.attributed };
    out(`thumbs: ${thumbs.sent} sent to POST /feedback after the answer, ${thumbs.positive} up, ${thumbs.attributed} attributed by response id\n`);

    for (const flagKey of ['chat-model', 'system-prompt']) {
      const flag = flagSet.flags.get(flagKey)!;
      const report = await analyzeImpact(metrics, flagKey, {
        control: flag.definition.defaultVariant,
        expectedShares: expectedShares(flag, runtime.state.current().flags[flagKey]),
      });
      const verdict = decide(report);
      verdicts[flagKey] = verdict.decision;
      out(renderImpactReport(report, verdict, flags.judges?.stats()));
      out('');
    }

    await flags.shadows.drain();
    const shadowed = flags.shadows.stats().flags['chat-model'];
    out(
      `shadow: claude-sonnet-4 also answered ${shadowed?.ran ?? 0} of the ${shadowed?.sampled ?? 0} sampled GPT-4o requests in the background (${shadowed?.failed ?? 0} failed), never shown; the judge scored both answers`,
    );
    const cli = cliRunner(flagsPath, out);
    await cli('shadow', 'chat-model', '--examples', '1');
    out('');

    const killed = await killAndRevive(cli, post, out);

    out('\nrollout: 47 hours later, after a second wave of traffic');
    now += 23 * HOUR_MS;
    await drive(
      `wave 2: ${requests.toLocaleString('en')} requests from ${(users * 4).toLocaleString('en')} new users`,
      requests,
      (i) => `later-user-${i % (users * 4)}`,
      post,
      concurrency,
      out,
    );
    await flags.judges?.drain();
    await metrics.flush();
    now += 24 * HOUR_MS;
    const actions = await controller.tick();
    const step = actions.find((a) => a.flagKey === 'chat-model');
    if (!step) throw new Error('the rollout controller does not manage chat-model');
    for (const a of actions) {
      out(`rollout: ${a.flagKey} ${describe(a)}`);
      for (const reason of a.reasons) out(`  · ${reason}`);
    }
    out(`\nnext: npx aiflags report system-prompt --flags ${shown}   (add --html report.html for a picture)`);
    out(`      npx aiflags shadow chat-model --flags ${shown} --html shadow.html`);
    return {
      verdicts,
      killed: killed.killed,
      revivedStatus: killed.revivedStatus,
      rollout: { action: step.action, from: step.from, to: step.to },
      judged,
      thumbs: wave1Thumbs,
    };
  } finally {
    server.close();
    await flags.shadows.close();
    await flags.judges?.close();
    await responses.close();
    await metrics.close();
    await runtime.close();
    await OpenFeature.close();
  }
}

function judgedByFlag(byVariant: Array<{ flagKey: string; judged: number }>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of byVariant) out[v.flagKey] = (out[v.flagKey] ?? 0) + v.judged;
  return out;
}

function describe(a: { action: string; from: number; to: number; reasons: string[]; variant?: string; dropped?: string[] }): string {
  if (a.action === 'start') return a.reasons[0] ?? `started at ${a.to} %`;
  if (a.variant !== undefined) return `${a.action}: everyone gets '${a.variant}'`;
  if (a.dropped?.length) return `${a.action}: ${a.dropped.map((v) => `'${v}'`).join(', ')} out of the test`;
  return a.action === 'hold' ? `holds at ${a.to} %` : `${a.action}: ${a.from} % → ${a.to} %`;
}

/** Sends `total` requests with at most `concurrency` in flight, drawing a one-line progress bar. */
async function drive(
  label: string,
  total: number,
  userOf: (i: number) => string,
  post: (userId: string) => Promise<ChatResponse>,
  concurrency: number,
  out: (line: string) => void,
) {
  const started = performance.now();
  const statuses = new Map<number, number>();
  let next = 0;
  let done = 0;
  const tty = process.stdout.isTTY;
  const worker = async () => {
    while (next < total) {
      const res = await post(userOf(next++));
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (tty && ++done % 100 === 0) process.stdout.write(`\r${label} ${'█'.repeat(Math.round((done / total) * 30)).padEnd(30, '·')} ${done}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  if (tty) process.stdout.write('\r\x1b[2K');
  const counts = [...statuses]
    .sort()
    .map(([s, n]) => `${s}: ${n}`)
    .join(', ');
  out(`${label}: done in ${((performance.now() - started) / 1000).toFixed(1)} s (${counts})`);
}

/** Posts every 10 ms until the response status passes `done` or 3 s have gone by; returns the last response. */
async function untilStatus(post: (userId: string) => Promise<ChatResponse>, done: (status: number) => boolean): Promise<ChatResponse> {
  const started = performance.now();
  let res = await post('user-1');
  while (!done(res.status) && performance.now() - started < 3000) {
    await new Promise((r) => setTimeout(r, 10));
    res = await post('user-1');
  }
  return res;
}

/** Runs the real `aiflags` CLI on the demo's flag file, echoing the command and its output. */
function cliRunner(flagsPath: string, out: (line: string) => void) {
  return async (...args: string[]) => {
    out(`$ aiflags ${args.map((a) => (a.includes(' ') ? `"${a}"` : a)).join(' ')}`);
    const { stdout } = await promisify(execFile)(process.execPath, [...defaultCli, ...args, '--flags', flagsPath], { cwd: repoRoot });
    for (const line of stdout.trimEnd().split('\n')) out(`  ${line}`);
  };
}

async function killAndRevive(cli: (...args: string[]) => Promise<void>, post: (userId: string) => Promise<ChatResponse>, out: (line: string) => void) {
  await cli('kill', 'ai_agent_enabled', '--reason', 'demo: model provider outage');
  const flippedAt = performance.now();
  // The service picks the change up from .aiflags/ on its own (file watch, polling fallback).
  await untilStatus(post, (status) => status === 503);
  const appliedAfterMs = Math.round(performance.now() - flippedAt);
  const refusals = await Promise.all(Array.from({ length: 5 }, (_, i) => post(`user-${i}`)));
  const refused = refusals.filter((r) => r.status === 503).length;
  const body = refusals[0]!.body as { retryAfter?: number };
  out(`  the service saw it after ${appliedAfterMs} ms; ${refused} of 5 requests refused: ${refusals[0]!.status} ${JSON.stringify(refusals[0]!.body)}`);
  await cli('revive', 'ai_agent_enabled');
  // Until an answer comes back: the simulated model fails 1 % of calls (502), which is no sign of the switch.
  const revived = await untilStatus(post, (status) => status === 200);
  out(`  requests are served again: ${revived.status}`);
  return { killed: { refused, retryAfter: body.retryAfter, appliedAfterMs }, revivedStatus: revived.status };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const requests = process.env.DEMO_REQUESTS ? Number(process.env.DEMO_REQUESTS) : undefined;
  await runDemo(requests ? { requests } : {});
}
