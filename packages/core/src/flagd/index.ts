export { CODE_DEFAULT_VARIANT, withCodeDefault } from './code-default.js';
export { FLAGD_SCHEMA_URL, isFlagdDocument, type FlagdDocument, type FlagdFlag, type FlagdMetadata } from './flagd-document.js';
export { flagFileFromFlagd } from './from-flagd.js';
export { exportToFlagd } from './to-flagd.js';
