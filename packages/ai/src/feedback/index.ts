export * from './late-feedback.js';
