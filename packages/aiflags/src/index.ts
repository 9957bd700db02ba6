export * from './config.js';
export * from './create-provider.js';
export * from './runtime.js';
export * from '@aiflags/provider';
export * from '@aiflags/ai';
export * from '@aiflags/core';
