import type { EvaluationContext, TrackingEventDetails } from '@openfeature/server-sdk';

/**
 * Where `UnleashProvider.track()` hands events: the AI layer's metric store, OpenTelemetry, a log.
 * Structurally the same as `@aiflags/provider`'s sink, so one sink serves every backend.
 */
export interface TrackSink {
  track(eventName: string, context: EvaluationContext, details: TrackingEventDetails): void;
}
