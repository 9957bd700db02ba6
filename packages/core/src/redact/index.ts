export * from './redact-url.js';
