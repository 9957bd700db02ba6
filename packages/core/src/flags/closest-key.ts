import { distance } from 'fastest-levenshtein';

/**
 * The known key closest to `input` by edit distance, for a "did you mean" hint; undefined when none is
 * close enough to be a likely typo (at most 2 edits, or a third of the input's length for long keys).
 * Ties go to the candidate listed first.
 */
export function closestKey(input: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.max(2, Math.floor(input.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate === input) continue;
    // Edit distance is at least the difference in length: skip the computation when that is too far already.
    if (Math.abs(candidate.length - input.length) > Math.min(limit, bestDistance - 1)) continue;
    const d = distance(input.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance && d <= limit && d < Math.max(input.length, candidate.length)) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** `; did you mean 'x'?` when a close key exists, else the empty string: the tail of a message. */
export function didYouMean(input: string, candidates: Iterable<string>): string {
  const key = closestKey(input, candidates);
  return key === undefined ? '' : `; did you mean '${key}'?`;
}
