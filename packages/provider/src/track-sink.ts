import type { EvaluationContext, TrackingEventDetails } from '@openfeature/server-sdk';

/** Where `LocalProvider.track()` hands events: a metric store, a queue, a log. */
export interface TrackSink {
  track(eventName: string, context: EvaluationContext, details: TrackingEventDetails): void;
}
