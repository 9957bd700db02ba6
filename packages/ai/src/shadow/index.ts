export { type AnalyzeShadowOptions, analyzeShadow } from './analyze-shadow.js';
export { isShadowArm, SHADOW_SUFFIX, SHADOW_VERSION, ShadowResults, shadowArm } from './shadow-results.js';
export {
  inShadowSample,
  type ServedResult,
  type ShadowCallOptions,
  type ShadowCounts,
  type ShadowPersistStats,
  type ShadowRun,
  ShadowRunner,
  type ShadowRunnerOptions,
  type ShadowSpec,
  type ShadowStats,
  type ShadowTicket,
} from './shadow-runner.js';
