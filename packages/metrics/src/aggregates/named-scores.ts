import { NAMED_SCORE_LIMITS } from '../outcome/outcome.js';
import { addToMoments, createMoments, type Moments, mergeMomentsInto } from './moments.js';

/** Moments per score name; at most NAMED_SCORE_LIMITS.perAggregate names. */
export type NamedScores = Record<string, Moments>;

/** Adds one outcome's scores; non-finite values are "not measured", and names beyond the limit are ignored. */
export function addScores(into: NamedScores, scores: Record<string, number>): void {
  for (const name in scores) {
    const value = scores[name]!;
    if (!Number.isFinite(value)) continue;
    const m = momentsFor(into, name);
    if (m !== undefined) addToMoments(m, value);
  }
}

/** Merges `from` into `into` exactly per name (Chan); `from` is left unchanged. */
export function mergeScoresInto(into: NamedScores, from: NamedScores): void {
  for (const name in from) {
    const m = momentsFor(into, name);
    if (m !== undefined) mergeMomentsInto(m, from[name]!);
  }
}

/** A deep copy. */
export function cloneScores(scores: NamedScores): NamedScores {
  const out: NamedScores = Object.create(null);
  for (const name in scores) out[name] = { ...scores[name]! };
  return out;
}

/** An empty set of named scores (no prototype, so a name like `constructor` is just a name). */
export function createScores(): NamedScores {
  return Object.create(null) as NamedScores;
}

function momentsFor(scores: NamedScores, name: string): Moments | undefined {
  const existing = scores[name];
  if (existing !== undefined) return existing;
  if (Object.keys(scores).length >= NAMED_SCORE_LIMITS.perAggregate) return undefined;
  const created = createMoments();
  scores[name] = created;
  return created;
}
