/**
 * The part of an OpenTelemetry `Meter` the tracker calls. A real `Meter` from `@opentelemetry/api` fits;
 * typed here so that `@opentelemetry/api`, an optional peer, is not needed to compile against aiflags.
 */
export interface OtelMeter {
  createHistogram(name: string, options?: { unit?: string; description?: string }): unknown;
  createObservableCounter(name: string, options?: { unit?: string; description?: string }): unknown;
  addBatchObservableCallback(callback: (observableResult: unknown) => void | Promise<void>, observables: unknown[]): void;
}

/** OpenTelemetry attributes as aiflags sets them (an `Attributes` from `@opentelemetry/api` accepts these). */
export interface OtelAttributes {
  [key: string]: string | number | boolean | undefined;
}

/** The part of an OpenTelemetry `Histogram` the tracker calls. */
export interface OtelHistogram {
  record(value: number, attributes?: OtelAttributes): void;
}
