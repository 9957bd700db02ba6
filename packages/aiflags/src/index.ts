export * from './config.js';
export * from './create-provider.js';
export * from './runtime.js';
export * from '@aiflags/provider';
export * from '@aiflags/ai';
export * from '@aiflags/core';
// Both @aiflags/ai and @aiflags/core define it (the same 300 s); the core one is the flag file's default.
export { DEFAULT_RETRY_AFTER_S } from '@aiflags/core';
