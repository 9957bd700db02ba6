import { OpenFeature } from '@openfeature/server-sdk';
import { GOAL_ROWS, type BenchFlag, type Contender, type ContenderFactory, type SkippedContender } from './contender.js';
import { aiflagsRaw } from './contenders/aiflags-raw.js';
import { flagdCore } from './contenders/flagd-core.js';
import { growthBook } from './contenders/growthbook.js';
import { launchDarkly } from './contenders/launchdarkly.js';
import { openFeatureFlagd } from './contenders/openfeature-flagd.js';
import { openFeatureConstant, openFeatureInMemory } from './contenders/openfeature-in-memory.js';
import { openFeatureLocalProvider } from './contenders/openfeature-local-provider.js';
import { unleash } from './contenders/unleash.js';
import { measureInterleaved, type RoundPlan } from './measure.js';
import { makeUserKeys } from './users.js';

const { aiflagsRaw: AIFLAGS_RAW, inMemory: IN_MEMORY, localProvider: LOCAL_PROVIDER } = GOAL_ROWS;

const factories: readonly ContenderFactory[] = [
  aiflagsRaw,
  flagdCore,
  launchDarkly,
  unleash,
  growthBook,
  openFeatureConstant,
  openFeatureInMemory,
  openFeatureLocalProvider,
  openFeatureFlagd,
];

/** One row of the result table. */
export interface EvaluationRow {
  name: string;
  kind: Contender['kind'];
  /** Process CPU ns per evaluation, median over the measured rounds; undefined when skipped. */
  medianNs?: number;
  /** Process CPU ns per evaluation, fastest round. */
  minNs?: number;
  /** Wall-clock ns per evaluation, median over the measured rounds. */
  medianWallNs?: number;
  /** Percent of users that got `true`. */
  truePercent?: number;
  expectedPercent?: number;
  skipped?: string;
}

export interface GoalCheck {
  goal: string;
  /** Measured figure, e.g. `6.1x` or `+3.2 %`. */
  measured: string;
  met: boolean | undefined;
}

export interface EvaluationReport {
  flag: { key: string; percentage: number; users: number };
  plan: RoundPlan;
  rows: EvaluationRow[];
  goals: GoalCheck[];
}

/** Sanity band for the share of `true`: a 10 % rollout over 100,000 users lands well inside ±0.5 points. */
const SANITY_BAND_POINTS = 0.5;

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}

function isSkipped(c: Contender | SkippedContender): c is SkippedContender {
  return 'skipped' in c;
}

/** Runs one untimed batch per contender and fails unless it assigns the expected share of users. */
async function sanityCheck(contenders: readonly Contender[], flag: BenchFlag, log: (line: string) => void): Promise<Map<Contender, number>> {
  const users = flag.userKeys.length;
  const hitsBy = new Map<Contender, number>();
  for (const contender of contenders) {
    const hits = await contender.runBatch();
    const expected = contender.expectedPercent ?? flag.percentage;
    const share = (hits / users) * 100;
    const ok = Math.abs(share - expected) <= SANITY_BAND_POINTS;
    log(`sanity ${ok ? 'ok  ' : 'FAIL'} ${contender.name}: ${hits} of ${users} users got true (${share.toFixed(2)} %, expected ${expected} %)`);
    if (!ok) throw new Error(`${contender.name}: ${share.toFixed(2)} % got true, expected ${expected} % ± ${SANITY_BAND_POINTS} points`);
    hitsBy.set(contender, hits);
  }
  return hitsBy;
}

function goals(rows: readonly EvaluationRow[]): GoalCheck[] {
  const byName = new Map(rows.map((r) => [r.name, r]));
  const raw = byName.get(AIFLAGS_RAW)?.medianNs;
  const peers = rows.filter((r) => r.kind === 'raw' && r.name !== AIFLAGS_RAW && r.medianNs !== undefined);
  const fastestPeer = peers.reduce<EvaluationRow | undefined>((best, r) => (!best || r.medianNs! < best.medianNs! ? r : best), undefined);
  const checks: GoalCheck[] = [];
  if (raw !== undefined && fastestPeer) {
    const speedup = fastestPeer.medianNs! / raw;
    checks.push({
      goal: `raw evaluate() at least 5x faster than the fastest peer (${fastestPeer.name})`,
      measured: `${speedup.toFixed(1)}x`,
      met: speedup >= 5,
    });
  } else {
    checks.push({ goal: 'raw evaluate() at least 5x faster than the fastest peer', measured: 'not measured', met: undefined });
  }
  const inMemory = byName.get(IN_MEMORY)?.medianNs;
  const local = byName.get(LOCAL_PROVIDER)?.medianNs;
  if (inMemory !== undefined && local !== undefined) {
    const overhead = (local / inMemory - 1) * 100;
    checks.push({
      goal: 'LocalProvider through OpenFeature within 5 % of TypedInMemoryProvider',
      measured: `${overhead >= 0 ? '+' : ''}${overhead.toFixed(1)} %`,
      met: overhead <= 5,
    });
  } else {
    checks.push({ goal: 'LocalProvider through OpenFeature within 5 % of TypedInMemoryProvider', measured: 'not measured', met: undefined });
  }
  return checks;
}

/**
 * Evaluates one 10 % rollout boolean flag for the same users with every contender, checks each assigns
 * about 10 % of them, then times interleaved rounds and reports the median ns per evaluation.
 */
export async function runFlagEvaluation(options: {
  users: number;
  plan: RoundPlan;
  log: (line: string) => void;
  /** Keep only contenders whose name contains one of these (case-insensitive); all when empty. */
  match?: readonly string[];
}): Promise<EvaluationReport> {
  const wanted = (name: string) =>
    !options.match || options.match.length === 0 || options.match.some((m) => name.toLowerCase().includes(m.toLowerCase()));
  const flag: BenchFlag = { key: 'new_system_prompt', percentage: 10, userKeys: makeUserKeys(options.users) };
  const ready: Contender[] = [];
  const skipped: EvaluationRow[] = [];
  for (const factory of factories) {
    // A contender that cannot start (package not built yet, API not landed) becomes a note, not a failed run.
    const contender = await factory(flag).catch(
      (error: unknown): SkippedContender => ({ name: factory.name, kind: 'raw', skipped: `setup failed: ${firstLine(error)}` }),
    );
    if (!wanted(contender.name)) {
      if (!isSkipped(contender)) await contender.close?.();
    } else if (isSkipped(contender)) {
      options.log(`skip  ${contender.name}: ${contender.skipped}`);
      skipped.push({ name: contender.name, kind: contender.kind, skipped: contender.skipped });
    } else {
      ready.push(contender);
    }
  }
  try {
    const sanityHits = await sanityCheck(ready, flag, options.log);
    const measurements = await measureInterleaved(ready, options.users, options.plan, (round, total) =>
      options.log(`round ${round}/${total}${round <= options.plan.warmupRounds ? ' (warm-up)' : ''}`),
    );
    for (const m of measurements) {
      // Same users, same flag: any drift between the sanity pass and the timed rounds is a bug, not noise.
      if (m.hits !== sanityHits.get(m.contender)) throw new Error(`${m.contender.name}: timed rounds gave ${m.hits} hits, sanity pass ${sanityHits.get(m.contender)}`);
    }
    const rows: EvaluationRow[] = measurements.map((m) => ({
      name: m.contender.name,
      kind: m.contender.kind,
      medianNs: m.medianNs,
      minNs: m.minNs,
      medianWallNs: m.medianWallNs,
      truePercent: (m.hits / options.users) * 100,
      expectedPercent: m.contender.expectedPercent ?? flag.percentage,
    }));
    rows.push(...skipped);
    return {
      flag: { key: flag.key, percentage: flag.percentage, users: options.users },
      plan: options.plan,
      rows,
      goals: goals(rows),
    };
  } finally {
    for (const c of ready) await c.close?.();
    await OpenFeature.close();
  }
}
