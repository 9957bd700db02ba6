import { FinishedRuns } from './finished-runs.js';
import type { ReplayCase, ReplayResult, ReplayResultStore, ReplayRun, ReplayRunOutput, ReplayScorer, ReplayVariant } from './replay-types.js';

export interface RunReplayOptions {
  flagKey: string;
  /** The flag file's version (flagMetadata.flagSetVersion): results of another version are not reused. */
  flagVersion: string;
  variants: ReplayVariant[];
  /** Pulled lazily, `concurrency` at a time: an array, or a (async) generator streaming them from a file. */
  cases: Iterable<ReplayCase> | AsyncIterable<ReplayCase>;
  run: ReplayRun;
  scorers?: ReplayScorer[];
  results: ReplayResultStore;
  /** Runs at once (default 4). */
  concurrency?: number;
  /** Retries of a run that throws a rate-limit error (default 3), with exponential backoff from `backoffMs` (default 500). */
  retries?: number;
  backoffMs?: number;
  /** Whether an error is a rate limit worth retrying (default: status 429 or a message naming a rate limit). */
  isRetryable?: (error: unknown) => boolean;
  /**
   * Stop starting runs once this much has been spent (USD, summed from the runs' costUsd). The cases are
   * then read no further: a streamed file is not read to its end just to count what was left.
   */
  maxCostUsd?: number;
  /**
   * Return every result in `summary.results` (default true). false keeps memory flat for a streamed case
   * file: only the ids of finished runs are held, and the results are read back from the store
   * (ReplayTally.from(store.stream(...)), then fillReplayExamples).
   */
  keepResults?: boolean;
  /** A run still going after this many ms counts as failed (default 60 000); its late answer is ignored. */
  timeoutMs?: number;
  /** After every finished run: done and total of this invocation (for streamed cases, the runs found so far). */
  onProgress?: (done: number, total: number, result: ReplayResult) => void;
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface ReplaySummary {
  /** Every result for this flag version, reused and new; empty with `keepResults: false`. */
  results: ReplayResult[];
  /** Runs of these variants the store already had done (succeeded): not run again. */
  reused: number;
  /** Runs started and finished by this invocation, failed ones included. */
  ran: number;
  failed: number;
  costUsd: number;
  /** Whether the cost cap stopped it before every run was started. */
  stoppedForCost: boolean;
  /**
   * Runs not started because the cost cap was reached: counted for an array of cases; undefined (not
   * counted) for streamed cases once the cap stopped it, since counting would mean reading the rest.
   */
  skippedForCost: number | undefined;
}

/**
 * Runs every case through every variant, `concurrency` at a time, retrying rate limits with backoff and
 * stopping at the cost cap. Results go to the store as they finish, keyed by case × variant × flag
 * version, so a rerun after a crash or a cap does only what is missing.
 */
export async function runReplay(options: RunReplayOptions): Promise<ReplaySummary> {
  const { flagKey, flagVersion, variants, cases, results } = options;
  const clock = options.clock ?? (() => performance.now());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const retryable = options.isRetryable ?? isRateLimit;
  const keep = options.keepResults ?? true;
  // The latest result per case and variant, a success over any failure: failures are run again. Without
  // keepResults only the finished keys are held, however many results the store has.
  const latest = new Map<string, ReplayResult>();
  const done = new FinishedRuns(variants.map((v) => v.key));
  for await (const r of results.stream(flagKey, flagVersion)) {
    if (r.ok) done.add(r.caseId, r.variant);
    const k = key(r.caseId, r.variant);
    if (keep && (r.ok || !latest.get(k)?.ok)) latest.set(k, r);
  }
  const reused = done.size;
  // Jobs are pulled one at a time, so cases streamed from a file are never all held at once.
  let total = 0;
  if (Array.isArray(cases)) for (const c of cases as ReplayCase[]) for (const v of variants) if (!done.has(c.id, v.key)) total++;
  const counted = Array.isArray(cases);
  async function* pending(): AsyncGenerator<[ReplayCase, ReplayVariant]> {
    for await (const c of cases) {
      for (const v of variants) {
        if (done.has(c.id, v.key)) continue;
        if (!counted) total++;
        yield [c, v];
      }
    }
  }
  const jobs = pending();
  const fresh: ReplayResult[] = [];
  let ran = 0;
  let started = 0;
  let costUsd = 0;
  let failed = 0;
  let stoppedForCost = false;

  const one = async ([replayCase, variant]: [ReplayCase, ReplayVariant]): Promise<ReplayResult> => {
    const base = { flagKey, flagVersion, caseId: replayCase.id, variant: variant.key };
    for (let attempt = 0; ; attempt++) {
      const started = clock();
      try {
        const raw = await withTimeout(options.run(variant, replayCase), options.timeoutMs ?? 60_000);
        const latencyMs = clock() - started;
        const out = asRunOutput(raw);
        const scores: Record<string, number> = { ...finiteScores(out.scores) };
        for (const scorer of options.scorers ?? []) Object.assign(scores, finiteScores(await scorer(replayCase, out.output, variant)));
        const reported = typeof out.latencyMs === 'number' && Number.isFinite(out.latencyMs) && out.latencyMs >= 0 ? out.latencyMs : undefined;
        const result: ReplayResult = { ...base, ok: true, output: out.output, latencyMs: reported ?? latencyMs, scores, at: new Date().toISOString() };
        if (typeof out.costUsd === 'number' && Number.isFinite(out.costUsd)) result.costUsd = out.costUsd;
        return result;
      } catch (error) {
        if (attempt < (options.retries ?? 3) && retryable(error)) {
          await sleep((options.backoffMs ?? 500) * 2 ** attempt);
          continue;
        }
        return { ...base, ok: false, error: oneLine(error), latencyMs: clock() - started, scores: {}, at: new Date().toISOString() };
      }
    }
  };

  const worker = async (): Promise<void> => {
    while (!stoppedForCost) {
      const pulled = await jobs.next();
      if (pulled.done) return;
      if (options.maxCostUsd !== undefined && costUsd >= options.maxCostUsd) {
        stoppedForCost = true;
        return;
      }
      started++;
      const result = await one(pulled.value);
      costUsd += result.costUsd ?? 0;
      if (!result.ok) failed++;
      await results.append(result);
      if (keep) fresh.push(result);
      ran++;
      options.onProgress?.(ran, total, result);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker));
  } finally {
    // Stopped at the cap, or failed: close the cases (a streamed file's read stream) where they stand.
    await jobs.return(undefined);
  }
  for (const r of fresh) latest.set(key(r.caseId, r.variant), r);
  const skippedForCost = !stoppedForCost ? 0 : counted ? total - started : undefined;
  return { results: [...latest.values()], reused, ran, failed, costUsd, stoppedForCost, skippedForCost };
}

/** The run's answer, or a rejection once `ms` have passed (the run itself cannot be stopped from here). */
function withTimeout<T>(run: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([run, timeout]).finally(() => clearTimeout(timer));
}

function key(caseId: string, variant: string): string {
  return `${caseId}\u0000${variant}`;
}

export function asRunOutput(raw: unknown): ReplayRunOutput {
  if (raw !== null && typeof raw === 'object' && 'output' in raw) return raw as ReplayRunOutput;
  return { output: raw };
}

export function finiteScores(scores: Record<string, number> | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  if (scores === undefined || scores === null) return out;
  for (const name of Object.keys(scores)) {
    const value = scores[name];
    if (typeof value === 'number' && Number.isFinite(value)) out[name] = value;
  }
  return out;
}

/** HTTP 429 (status or statusCode on the error) or a message that names a rate limit. */
export function isRateLimit(error: unknown): boolean {
  const e = error as { status?: unknown; statusCode?: unknown; message?: unknown } | null;
  if (e && (e.status === 429 || e.statusCode === 429)) return true;
  return /rate.?limit|429|too many requests/i.test(String(e?.message ?? error));
}

export function oneLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').trim();
}
