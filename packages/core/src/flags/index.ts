export * from './schema.js';
export * from './flag-set.js';
export * from './flag-config-error.js';
export * from './parse-flags.js';
export { formatField } from './config-path.js';
export { MAX_FLAG_FILE_BYTES, MAX_YAML_ALIASES } from './read-document.js';
export { closestKey, didYouMean } from './closest-key.js';
export { FLAG_KINDS, FlagKindSchema, type FlagKind } from './flag-kind.js';
export { ModelConfigSchema, type ModelConfigInput } from './model-config.js';
