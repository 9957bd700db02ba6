/**
 * The public API of @aiflags/core, named one by one (api-report.md lists it with signatures): the flag file
 * model and its one schema, parsing and validation, the pure evaluator, bucketing modes, rules and
 * operators, the live-state contract with its pure changes, errors with codes, presence and URL redaction.
 * Compilation, hash primitives and the schema's parts stay internal.
 */

export { flagsmithDefaultId } from './bucketing/bucket-functions.js';
export { rolloutAllocation, splitAllocation, type WeightedVariant } from './bucketing/allocation.js';
export type { BucketingSettings } from './bucketing/bucketers.js';
export { murmur3 } from './bucketing/murmur3.js';
export { AiflagsError, isAiflagsError } from './errors.js';
export { evaluate, evaluateTyped, type FlagTypeMap, flagTypeOf } from './evaluation/evaluate.js';
export type { FlagProgram } from './evaluation/flag-program.js';
export {
  type ErrorCode,
  ErrorCodes,
  type EvaluationContext,
  type EvaluationResult,
  type FlagMetadata,
  type FlagValue,
  type JsonObject,
  type JsonPrimitive,
  type JsonValue,
  type Reason,
  Reasons,
} from './evaluation/result.js';
export type { ExportProblem, ExportResult } from './export.js';
export { closestKey, didYouMean } from './flags/closest-key.js';
export { escapeControls, FlagConfigError, type FlagConfigLocation, UNPRINTABLE_CHARACTERS } from './flags/flag-config-error.js';
export { FLAG_KINDS, type FlagKind } from './flags/flag-kind.js';
export {
  type CompiledFlag,
  type ConditionDefinition,
  DEFAULT_RETRY_AFTER_S,
  type FlagDefinition,
  type FlagSet,
  type FlagType,
  type KillSwitch,
  type RolloutDefinition,
  type RuleDefinition,
  type Segment,
  type ShadowDefinition,
  type SplitDefinition,
  type TokenPrices,
} from './flags/flag-set.js';
export { type CheckedFlagFile, checkFlags, compileCheckedFlags, compileCheckedFlagsInSlices, parseFlags, validateFlags } from './flags/parse-flags.js';
export { MAX_FLAG_FILE_BYTES } from './flags/read-document.js';
export {
  CHANGE_TYPES,
  type ChangeType,
  type FlagFile,
  FlagFileSchema,
  type FlagInput,
  FORBIDDEN_KEYS,
  HASH_MODES,
  type HashMode,
  KEY_PATTERN,
  type KillSwitchInput,
  MAX_RETRY_AFTER_S,
  type Operator,
  OPERATORS,
  RetryAfterSchema,
} from './flags/schema.js';
export {
  type AppliedChange,
  applyFlagOverride,
  applyKillSwitch,
  AUDIT_ACTIONS,
  type AuditAction,
  type ChangeAudit,
  killSwitchAction,
  killSwitchEntry,
  type ResolvedChangeMeta,
} from './live-state/changes.js';
export { LiveStateCache, type StateListener, StateListeners } from './live-state/listeners.js';
export { checkFlagOverride, checkKillSwitch, checkLiveState, type LiveStateRead, readLiveStateJson } from './live-state/schema.js';
export {
  type AuditEntry,
  type AuditLog,
  type AuditRead,
  changedKeys,
  type ChangeMeta,
  emptyLiveState,
  type FlagOverride,
  type KillSwitchState,
  type LiveState,
  type RolloutStageName,
  type StateStore,
} from './live-state/types.js';
export { type InstanceRecord, isInstanceAlive, PRESENCE_MISSED_HEARTBEATS, type PresenceRead, type PresenceStore, readInstanceRecord } from './presence.js';
export { REDACTED, redactUrl } from './redact/redact-url.js';
export type { ContextPredicate } from './rules/condition.js';
export { OPERATOR_DEFINITIONS, parseVersion, toEpochMs } from './rules/operators.js';
export { findAmbiguousAlternation } from './rules/regex-safety.js';
export { parseStrictDate } from './rules/strict-date.js';
export { CODE_DEFAULT_VARIANT, withCodeDefault } from './flagd/code-default.js';
export { FLAGD_SCHEMA_URL, type FlagdDocument, type FlagdFlag, type FlagdMetadata, isFlagdDocument } from './flagd/flagd-document.js';
export { flagFileFromFlagd } from './flagd/from-flagd.js';
export { exportToFlagd } from './flagd/to-flagd.js';
