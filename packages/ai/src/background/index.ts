export * from './background-queue.js';
export * from './hourly-budget.js';
