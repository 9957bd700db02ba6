import type { Contender } from './contender.js';

/** How many batches to run; each batch evaluates the flag once for every user. */
export interface RoundPlan {
  warmupRounds: number;
  rounds: number;
}

/** Timings of one contender over all measured rounds. */
export interface Measurement {
  contender: Contender;
  /** Process CPU ns per evaluation of each measured round, in run order. */
  nsPerEval: number[];
  /** Process CPU ns per evaluation: median over rounds. */
  medianNs: number;
  /** Process CPU ns per evaluation: fastest round. */
  minNs: number;
  /** Wall-clock ns per evaluation of each measured round. */
  wallNsPerEval: number[];
  /** Wall-clock ns per evaluation: median over rounds. */
  medianWallNs: number;
  /** `true` count of the first batch; every later batch must match it (stickiness, and proof the work ran). */
  hits: number;
}

const gc: (() => void) | undefined = (globalThis as { gc?: () => void }).gc;

/** Middle value of a list (mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Times one batch on two clocks. Process CPU time (user + system) is the one the table leads with: while
 * other processes compete for the cores, wall time counts the time we sat descheduled, CPU time does not.
 * It does count GC helper threads, i.e. the collection work a contender's garbage causes.
 */
async function timeBatch(contender: Contender, users: number): Promise<{ cpuNs: number; wallNs: number; hits: number }> {
  // A collection between batches keeps one contender's garbage from being paid for by the next.
  gc?.();
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  const hits = await contender.runBatch();
  const wallNs = Number(process.hrtime.bigint() - start);
  const cpu = process.cpuUsage(cpuStart);
  return { cpuNs: ((cpu.user + cpu.system) * 1000) / users, wallNs: wallNs / users, hits };
}

/**
 * Runs every contender round-robin (round 1 of each, then round 2 of each, …) so a burst of load from
 * other processes lands on all of them alike, then takes the median round per contender.
 */
export async function measureInterleaved(
  contenders: readonly Contender[],
  users: number,
  plan: RoundPlan,
  onRound?: (round: number, total: number) => void,
): Promise<Measurement[]> {
  const results = contenders.map<Measurement>((contender) => ({
    contender,
    nsPerEval: [],
    medianNs: 0,
    minNs: 0,
    wallNsPerEval: [],
    medianWallNs: 0,
    hits: -1,
  }));
  const total = plan.warmupRounds + plan.rounds;
  for (let round = 0; round < total; round++) {
    onRound?.(round + 1, total);
    for (const result of results) {
      const { cpuNs, wallNs, hits } = await timeBatch(result.contender, users);
      if (result.hits === -1) result.hits = hits;
      else if (result.hits !== hits) {
        throw new Error(`${result.contender.name}: round ${round + 1} gave ${hits} hits, round 1 gave ${result.hits}`);
      }
      if (round >= plan.warmupRounds) {
        result.nsPerEval.push(cpuNs);
        result.wallNsPerEval.push(wallNs);
      }
    }
  }
  for (const result of results) {
    result.medianNs = median(result.nsPerEval);
    result.minNs = Math.min(...result.nsPerEval);
    result.medianWallNs = median(result.wallNsPerEval);
  }
  return results;
}
