export * from './impact-report.js';
export * from './analyze-impact.js';
