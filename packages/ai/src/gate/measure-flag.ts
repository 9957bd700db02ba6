import type { CompiledFlag, FlagOverride } from '@aiflags/core';
import type { MetricStore } from '@aiflags/metrics';
import { type AnalysisWindow, analysisWindow } from '../impact/analysis-window.js';
import { analyzeImpact } from '../impact/analyze-impact.js';
import { expectedShares } from '../impact/expected-shares.js';
import type { ImpactReport } from '../impact/impact-report.js';
import { decide, type GateCriteria, type GateVerdict } from './decide.js';

export interface MeasureFlagOptions {
  /** The flag's live override: a running step (or test) starts the window, and its shares are expected. */
  live?: FlagOverride | undefined;
  /** An explicit start of the window (epoch ms), e.g. `aiflags report --since`. */
  since?: number | undefined;
  /** Epoch ms (default Date.now()). */
  now?: number;
  /** Default: the flag's defaultVariant. */
  control?: string;
  /** Default: every variant with traffic other than control. */
  treatments?: string[];
  /** Default: the shares the flag and `live` give (expectedShares). */
  expectedShares?: Record<string, number> | undefined;
  alpha?: number;
  criteria?: GateCriteria;
}

/**
 * A flag measured as `aiflags report`, `aiflags promote` and the rollout controller all read it: the
 * analysis window (the current step's, or an explicit start), the impact report over it, and the gate's verdict.
 */
export async function measureFlag(
  metrics: Pick<MetricStore, 'query'>,
  flag: CompiledFlag,
  options: MeasureFlagOptions = {},
): Promise<{ window: AnalysisWindow; report: ImpactReport; verdict: GateVerdict }> {
  const now = options.now ?? Date.now();
  const window = analysisWindow({ live: options.live, since: options.since, now });
  const shares = 'expectedShares' in options ? options.expectedShares : expectedShares(flag, options.live);
  const report = await analyzeImpact(metrics, flag.key, {
    control: options.control ?? flag.definition.defaultVariant,
    ...(options.treatments ? { treatments: options.treatments } : {}),
    ...(window.since !== undefined ? { since: window.since } : {}),
    ...(window.srmSince !== undefined ? { srmSince: window.srmSince } : {}),
    ...(shares ? { expectedShares: shares } : {}),
    ...(window.skipSrm ? { skipSrm: window.skipSrm } : {}),
    notes: window.notes,
    ...(flag.definition.metrics ? { scoreMetrics: flag.definition.metrics } : {}),
    ...(options.alpha !== undefined ? { alpha: options.alpha } : {}),
  });
  return { window, report, verdict: decide(report, options.criteria) };
}
