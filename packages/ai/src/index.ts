export * from './ai-flags.js';
export * from './selection/index.js';
export * from './kill-switches/index.js';
export * from './tracker/index.js';
export * from './store/index.js';
export * from './impact/index.js';
export * from './gate/index.js';
export * from './rollout/index.js';
