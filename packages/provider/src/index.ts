export * from './local-provider.js';
export * from './base/index.js';
export * from './source/changed-flags.js';
export * from './source/load-flag-file.js';
export { OFF_THREAD_MIN_BYTES, parseFlagsOffThread, type ParsedWhere } from './source/parse-off-thread.js';
export * from './presence/index.js';
export * from './overlay/live-state-overlay-provider.js';
