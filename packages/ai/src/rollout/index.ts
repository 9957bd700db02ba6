export * from './plans.js';
export * from './rollout-controller.js';
