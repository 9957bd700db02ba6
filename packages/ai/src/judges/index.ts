export * from './judge.js';
export * from './judge-result.js';
export * from './judge-sampling.js';
export * from './judge-runner.js';
export * from './render-judge-stats.js';
