export {
  type AnalyzeReplayOptions,
  analyzeReplay,
  analyzeReplayTally,
  type ReplayArm,
  type ReplayCaseDiff,
  type ReplayMetricComparison,
  type ReplayReport,
  type ReplayTreatment,
} from './analyze-replay.js';
export { appendAll } from './append-all.js';
export { MemoryReplayResults } from './memory-replay-results.js';
export { renderReplayReport } from './render-replay-report.js';
export { fillReplayExamples } from './replay-examples.js';
export { replayFlagVersion } from './replay-flag-version.js';
export { ReplayTally, type TallyArm } from './replay-tally.js';
export { isRateLimit, type ReplaySummary, type RunReplayOptions, runReplay } from './run-replay.js';
export type { ReplayCase, ReplayResult, ReplayResultStore, ReplayRun, ReplayRunOutput, ReplayScorer, ReplayVariant } from './replay-types.js';
