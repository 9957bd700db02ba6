export * from './decide.js';
export * from './format.js';
export { probabilityBest, type NoWinner, type Winner } from './winner.js';
export { measureFlag, type MeasureFlagOptions } from './measure-flag.js';
