import { GOAL_ROWS, type Contender, type SkippedContender } from './contender.js';
import { startContender, type ContenderHandle } from './contender-process.js';
import { CONTENDERS } from './contenders/index.js';
import { measureInterleaved, type RoundPlan } from './measure.js';

const { aiflagsRaw: AIFLAGS_RAW, inMemory: IN_MEMORY, localProvider: LOCAL_PROVIDER } = GOAL_ROWS;
const FLAG_KEY = 'new_system_prompt';
const PERCENTAGE = 10;

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

/** Allowed distance from the expected share, in percentage points: 0.5, or 5 standard errors for small `--users`. */
function sanityBand(expectedPercent: number, users: number): number {
  const p = expectedPercent / 100;
  return Math.max(SANITY_BAND_POINTS, 5 * Math.sqrt((p * (1 - p)) / users) * 100);
}

function isSkipped(c: ContenderHandle | SkippedContender): c is SkippedContender {
  return 'skipped' in c;
}

/** Runs one untimed batch per contender and fails unless it assigns the expected share of users. */
async function sanityCheck(contenders: readonly ContenderHandle[], users: number, log: (line: string) => void): Promise<Map<ContenderHandle, number>> {
  const hitsBy = new Map<ContenderHandle, number>();
  for (const contender of contenders) {
    const { hits } = await contender.batch();
    const expected = contender.expectedPercent;
    const share = (hits / users) * 100;
    const band = sanityBand(expected, users);
    const ok = Math.abs(share - expected) <= band;
    log(`sanity ${ok ? 'ok  ' : 'FAIL'} ${contender.name}: ${hits} of ${users} users got true (${share.toFixed(2)} %, expected ${expected} %)`);
    if (!ok) throw new Error(`${contender.name}: ${share.toFixed(2)} % got true, expected ${expected} % ± ${band.toFixed(2)} points`);
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
 * Evaluates one 10 % rollout boolean flag for the same users with every contender, each in its own
 * process, checks each assigns about 10 % of them, then times interleaved rounds and reports the median
 * ns per evaluation.
 */
export async function runFlagEvaluation(options: {
  users: number;
  plan: RoundPlan;
  log: (line: string) => void;
  /** Keep only contenders whose id contains one of these (case-insensitive); all when empty. */
  match?: readonly string[];
}): Promise<EvaluationReport> {
  const wanted = (id: string) => !options.match || options.match.length === 0 || options.match.some((m) => id.toLowerCase().includes(m.toLowerCase()));
  const ready: ContenderHandle[] = [];
  const skipped: EvaluationRow[] = [];
  try {
    for (const id of Object.keys(CONTENDERS).filter(wanted)) {
      const contender = await startContender({ id, key: FLAG_KEY, percentage: PERCENTAGE, users: options.users });
      if (isSkipped(contender)) {
        options.log(`skip  ${contender.name}: ${contender.skipped}`);
        skipped.push({ name: contender.name, kind: contender.kind, skipped: contender.skipped });
      } else {
        ready.push(contender);
      }
    }
    const sanityHits = await sanityCheck(ready, options.users, options.log);
    const measurements = await measureInterleaved(ready, options.plan, (round, total) =>
      options.log(`round ${round}/${total}${round <= options.plan.warmupRounds ? ' (warm-up)' : ''}`),
    );
    for (const m of measurements) {
      // Same users, same flag: any drift between the sanity pass and the timed rounds is a bug, not noise.
      if (m.hits !== sanityHits.get(m.contender))
        throw new Error(`${m.contender.name}: timed rounds gave ${m.hits} hits, sanity pass ${sanityHits.get(m.contender)}`);
    }
    const rows: EvaluationRow[] = measurements.map((m) => ({
      name: m.contender.name,
      kind: m.contender.kind,
      medianNs: m.medianNs,
      minNs: m.minNs,
      medianWallNs: m.medianWallNs,
      truePercent: (m.hits / options.users) * 100,
      expectedPercent: m.contender.expectedPercent,
    }));
    rows.push(...skipped);
    return {
      flag: { key: FLAG_KEY, percentage: PERCENTAGE, users: options.users },
      plan: options.plan,
      rows,
      goals: goals(rows),
    };
  } finally {
    await Promise.all(ready.map((c) => c.close()));
  }
}
