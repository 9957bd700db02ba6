export * from './base-provider.js';
export * from './track-sink.js';
