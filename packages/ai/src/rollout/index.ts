export * from './plans.js';
export * from './rollout-controller.js';
export * from './rollout-skip-error.js';
export * from './stage-evidence.js';
