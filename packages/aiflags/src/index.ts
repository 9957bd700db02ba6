export * from './config.js';
// Shadows @aiflags/ai's aiFlags: the same helpers, recording to the runtime's store by default.
export { aiFlags, type DefaultAiFlagsOptions } from './ai-flags.js';
export { closeDefaultMetrics, defaultMetrics } from './default-metrics.js';
export * from './create-provider.js';
export * from './runtime.js';
export { resolveRuntimeSpec, RUNTIME_ENV, type RuntimeEnv, type RuntimeSpec, type StoreSpec } from './runtime-spec.js';
export * from '@aiflags/provider';
export * from '@aiflags/ai';
export * from '@aiflags/core';
// Names both @aiflags/ai and @aiflags/core define with the same meaning; the core ones are exported.
export { DEFAULT_RETRY_AFTER_S, type Interval } from '@aiflags/core';
