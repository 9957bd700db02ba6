import { DDSketch } from '@datadog/sketches-js';

/** Relative accuracy of every latency sketch (1 %); sketches merge only when this matches. */
export const LATENCY_SKETCH_ACCURACY = 0.01;

/**
 * A latency sketch as callers see it: a DDSketch, typed by what they use, so that the sketch library's
 * typings (protobufjs among them) stay out of aiflags' published declarations.
 */
export interface LatencySketch {
  /** Values accepted (ms values, each weight 1 unless given). */
  readonly count: number;
  readonly min: number;
  readonly max: number;
  readonly sum: number;
  accept(value: number, weight?: number): void;
  /** Adds `other`'s values into this sketch (same accuracy). */
  merge(other: LatencySketch): void;
  /** The value at `quantile` (a fraction, 0..1), within the sketch's 1 % relative accuracy. */
  getValueAtQuantile(quantile: number): number;
}

// Every LatencySketch is made here, so the cast back to the class is safe.
const dd = (sketch: LatencySketch): DDSketch => sketch as DDSketch;

/** JSON-safe DDSketch contents: bin counts for consecutive keys starting at `offset`. */
export interface SerializedSketch {
  relativeAccuracy: number;
  zeroCount: number;
  /** Key of counts[0] in the sketch's logarithmic mapping. */
  offset: number;
  counts: number[];
  sum: number;
  /** null while the sketch is empty. */
  min: number | null;
  max: number | null;
}

/** An empty latency sketch (DDSketch, 1 % relative accuracy). */
export function createLatencySketch(): LatencySketch {
  return new DDSketch({ relativeAccuracy: LATENCY_SKETCH_ACCURACY });
}

/** Merges `from` into `into` (DDSketch merge; both hold non-negative values only). */
export function mergeSketchInto(into: LatencySketch, from: LatencySketch): void {
  dd(into).merge(dd(from));
}

/** A deep copy of a sketch. */
export function cloneSketch(sketch: LatencySketch): LatencySketch {
  const out = createLatencySketch();
  mergeSketchInto(out, sketch);
  return out;
}

/**
 * The sketch as bins rather than its protobuf form: protobuf needs protobufjs at run time and its
 * decoder drops min, max and sum, while bins round-trip exactly and stay mergeable.
 */
export function serializeSketch(latency: LatencySketch): SerializedSketch {
  const sketch = dd(latency);
  const store = sketch.store;
  const counts: number[] = [];
  let offset = 0;
  if (store.count > 0) {
    offset = store.minKey;
    for (let key = store.minKey; key <= store.maxKey; key++) counts.push(store.bins[key - store.offset] ?? 0);
  }
  return {
    relativeAccuracy: sketch.mapping.relativeAccuracy,
    zeroCount: sketch.zeroCount,
    offset,
    counts,
    sum: sketch.sum,
    min: sketch.count > 0 ? sketch.min : null,
    max: sketch.count > 0 ? sketch.max : null,
  };
}

/** Rebuilds a sketch from serializeSketch output; throws on a different accuracy or bad counts. */
export function deserializeSketch(s: SerializedSketch): LatencySketch {
  if (s.relativeAccuracy !== LATENCY_SKETCH_ACCURACY) {
    throw new Error(`latency sketch: relativeAccuracy ${s.relativeAccuracy} differs from ${LATENCY_SKETCH_ACCURACY}`);
  }
  const sketch = dd(createLatencySketch());
  let total = s.zeroCount;
  for (let i = 0; i < s.counts.length; i++) {
    const c = s.counts[i]!;
    if (!(c >= 0)) throw new Error(`latency sketch: bin count ${c} at key ${s.offset + i} is not a non-negative number`);
    if (c > 0) {
      sketch.store.add(s.offset + i, c);
      total += c;
    }
  }
  sketch.zeroCount = s.zeroCount;
  sketch.count = total;
  sketch.sum = s.sum;
  sketch.min = s.min ?? Infinity;
  sketch.max = s.max ?? -Infinity;
  return sketch;
}
