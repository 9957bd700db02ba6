/**
 * What an app imports: the backend switch, the AI helpers on the runtime's stores, and the types and
 * functions of the other packages an app reaches for. Each name is listed on purpose (see api-report.md);
 * everything else stays importable from its own package (`@aiflags/core`, `@aiflags/ai`, ...).
 */

// This package: backend choice, runtime stores, and aiFlags recording to them by default.
export { backendOf, flagsPathOf, type BackendConfig, type BackendName, type LaunchDarklyBackendOptions, type UnleashBackendOptions } from './config.js';
export { createProvider } from './create-provider.js';
export { openRuntime, readLiveState, resolveRuntime, stateDirOf, withRuntime, type Runtime, type RuntimeConfig } from './runtime.js';
export { resolveRuntimeSpec, RUNTIME_ENV, type RuntimeEnv, type RuntimeSpec, type StoreSpec } from './runtime-spec.js';
export { aiFlags, type DefaultAiFlagsOptions } from './ai-flags.js';
export { closeDefaultMetrics, defaultMetrics, defaultShadowResults } from './default-metrics.js';

// The AI helpers: selections, kill switches, tracking, measurement, the gate and rollouts.
export {
  analyzeImpact,
  analyzeShadow,
  decide,
  DEFAULT_GATE_CRITERIA,
  DEFAULT_ROLLOUT_PLANS,
  expectedShares,
  exposureHook,
  FeatureDisabledError,
  fillTemplate,
  measureFlag,
  OutcomeTracker,
  probabilityBest,
  promotedVariant,
  renderImpactReport,
  renderReplayReport,
  RolloutController,
  rolloutPlans,
  TrackEvents,
} from '@aiflags/ai';
export { FileMetricStore, FileResponseStore } from '@aiflags/file';
export { MemoryMetricStore } from '@aiflags/metrics';
export type {
  AiFlags,
  AiFlagsOptions,
  AnalyzeImpactOptions,
  ArmDecision,
  Decision,
  FeedbackKind,
  GateCriteria,
  GateVerdict,
  GuardDenial,
  GuardOptions,
  ImpactMetric,
  ImpactReport,
  Judge,
  JudgeSample,
  JudgeStats,
  MeasureFlagOptions,
  MetricDelta,
  ModelConfig,
  NoWinner,
  ModelSelection,
  OutcomeInput,
  PromptSelection,
  RolloutAction,
  RolloutControllerOptions,
  RolloutPlan,
  RolloutPlans,
  RolloutProgress,
  RolloutStep,
  ReplayReport,
  ReplayResult,
  SelectionError,
  ServedResult,
  ShadowCallOptions,
  ShadowRun,
  ShadowStats,
  ShadowTicket,
  SrmCheck,
  Tracker,
  TreatmentImpact,
  TreatmentVerdict,
  VariantJudgeCounts,
  VariantSelection,
  VariantSummary,
  Winner,
} from '@aiflags/ai';
export type { FileMetricStoreOptions, FileResponseStoreOptions } from '@aiflags/file';
export type { MemoryMetricStoreOptions } from '@aiflags/metrics';

// The flag file and the evaluator.
export { CHANGE_TYPES, DEFAULT_RETRY_AFTER_S, evaluate, FlagConfigError, parseFlags, redactUrl, validateFlags } from '@aiflags/core';
export type {
  AuditEntry,
  AuditLog,
  ChangeMeta,
  ChangeType,
  EvaluationContext,
  EvaluationResult,
  FlagDefinition,
  FlagFile,
  FlagOverride,
  FlagSet,
  FlagType,
  FlagValue,
  KillSwitch,
  KillSwitchState,
  LiveState,
  StateStore,
} from '@aiflags/core';

// Outcomes, the metric store contract and the statistics behind reports.
export {
  meanInterval,
  pairedTTest,
  requiredSampleSize,
  signedRankTest,
  srmTest,
  twoProportionZTest,
  welchTTest,
  wilsonInterval,
} from '@aiflags/metrics';
export type {
  Exposure,
  Interval,
  MetricStore,
  Outcome,
  PairedTTestResult,
  SignedRankResult,
  SrmResult,
  TwoProportionResult,
  WelchResult,
} from '@aiflags/metrics';

// The local OpenFeature provider and its live-state stores.
export { LocalProvider } from '@aiflags/provider';
export {
  FileAuditLog,
  FileStateStore,
  LiveStateError,
  LockTimeoutError,
  MemoryAuditLog,
  MemoryStateStore,
  StateCommitError,
  StateUnreadableError,
} from '@aiflags/file';
export type { LocalProviderOptions, ReloadError } from '@aiflags/provider';
export type { FileStateStoreOptions, LiveStateErrorCode, StateRepair } from '@aiflags/file';
