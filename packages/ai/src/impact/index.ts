export * from './impact-report.js';
export * from './analyze-impact.js';
export * from './expected-shares.js';
export * from './render-report.js';
export { analysisWindow, type AnalysisWindow, type AnalysisWindowOptions } from './analysis-window.js';
