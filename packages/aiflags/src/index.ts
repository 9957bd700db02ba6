export * from './config.js';
export * from './create-provider.js';
export * from './runtime.js';
export * from '@aiflags/provider';
export * from '@aiflags/ai';
export * from '@aiflags/core';
// Names both @aiflags/ai and @aiflags/core define with the same meaning; the core ones are exported.
export { DEFAULT_RETRY_AFTER_S, type Interval } from '@aiflags/core';
