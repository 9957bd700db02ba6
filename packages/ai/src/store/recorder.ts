import type { MetricStore } from '@aiflags/metrics';

/** The write side of a metric store: all the selection helpers and trackers need. Never throws, never waits. */
export type OutcomeRecorder = Pick<MetricStore, 'recordExposure' | 'record'>;
