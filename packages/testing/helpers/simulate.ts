import { seededRandom } from './seeded-random.js';

// One seeded generator for every simulation test in the repo.
export { seededRandom };

/** What a simulated unit sends: the shapes of @aiflags/metrics' Exposure and Outcome (structural, so this package depends on none of ours). */
interface Exposure {
  flagKey: string;
  variant: string;
  unitId?: string;
  at?: number;
}
interface Outcome extends Exposure {
  latencyMs?: number;
  quality?: number;
  costUsd?: number;
  error?: boolean;
}

/** Standard normal draws (Box–Muller) from a uniform generator. */
export function normal(rand: () => number): () => number {
  return () => {
    const u = 1 - rand();
    const v = rand();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
}

/** How one variant behaves: quality ~ N(mean, sd), latency lognormal around `latencyMs`, cost ~ N, errors Bernoulli. */
export interface VariantBehaviour {
  quality: number;
  qualitySd?: number;
  latencyMs?: number;
  costUsd?: number;
  errorRate?: number;
  /** Named scores ~ N(mean, 1) by name; drawn only when set, so seeds without them keep their sequence. */
  scores?: Record<string, number>;
}

export interface Sink {
  recordExposure(e: Exposure): void;
  record(o: Outcome): void;
}

/**
 * Sends `units` new units to the store, each assigned a variant by `shares` (fractions), with one
 * exposure and one outcome per unit at time `at` (epoch ms).
 */
export function simulateUnits(
  sink: Sink,
  rand: () => number,
  options: {
    flagKey: string;
    units: number;
    shares: Record<string, number>;
    behaviour: Record<string, VariantBehaviour>;
    at: number;
    unitPrefix: string;
    withoutUnitIds?: boolean;
  },
): void {
  const gauss = normal(rand);
  const variants = Object.keys(options.shares);
  for (let i = 0; i < options.units; i++) {
    let r = rand();
    let variant = variants[variants.length - 1]!;
    for (const v of variants) {
      r -= options.shares[v]!;
      if (r < 0) {
        variant = v;
        break;
      }
    }
    const b = options.behaviour[variant]!;
    const unitId = options.withoutUnitIds ? undefined : `${options.unitPrefix}-${i}`;
    sink.recordExposure({ flagKey: options.flagKey, variant, unitId, at: options.at });
    sink.record({
      flagKey: options.flagKey,
      variant,
      unitId,
      at: options.at,
      quality: b.quality + (b.qualitySd ?? 1) * gauss(),
      latencyMs: (b.latencyMs ?? 800) * Math.exp(0.3 * gauss()),
      costUsd: Math.max(0, (b.costUsd ?? 0.002) * (1 + 0.2 * gauss())),
      error: rand() < (b.errorRate ?? 0.02),
      ...(b.scores ? { scores: Object.fromEntries(Object.entries(b.scores).map(([name, mean]) => [name, mean + gauss()])) } : {}),
    });
  }
}
