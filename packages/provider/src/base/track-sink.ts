import type { EvaluationContext, TrackingEventDetails } from '@openfeature/server-sdk';

/** Where a provider's `track()` hands events: the AI layer's metric store, OpenTelemetry, a queue, a log. */
export interface TrackSink {
  track(eventName: string, context: EvaluationContext, details: TrackingEventDetails): void;
}

/** The provider's `track` method over a sink: best effort, a throwing sink never reaches the app. */
export function trackInto(sink: TrackSink): (eventName: string, context: EvaluationContext, details?: TrackingEventDetails) => void {
  return (eventName, context, details = {}) => {
    try {
      sink.track(eventName, context, details);
    } catch {
      // Tracking is best effort.
    }
  };
}
