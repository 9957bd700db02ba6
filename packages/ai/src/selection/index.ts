export * from './template.js';
export * from './exposure-hook.js';
export { safeEvaluate, selectionError, targetingKeyOf, type SelectionError } from './safe-evaluate.js';
