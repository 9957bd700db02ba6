import type { ContenderHandle } from './contender-process.js';

/** How many batches to run; each batch evaluates the flag once for every user. */
export interface RoundPlan {
  warmupRounds: number;
  rounds: number;
}

/** Timings of one contender over all measured rounds. */
export interface Measurement {
  contender: ContenderHandle;
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

/** Middle value of a list (mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Runs every contender round-robin (round 1 of each, then round 2 of each, …) so a burst of load from
 * other processes lands on all of them alike, then takes the median round per contender.
 */
export async function measureInterleaved(
  contenders: readonly ContenderHandle[],
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
      const { cpuNs, wallNs, hits } = await result.contender.batch();
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
