import type { ResponseAttribution, ResponseStore } from '@aiflags/metrics';
import type { OutcomeRecorder } from '../store/recorder.js';

/** Feedback on a response: a thumbs up or down, or a score (recorded as the named score `feedback`, or `scoreName`). */
export type FeedbackValue = 'positive' | 'negative' | number;

/** What late feedback did: the attributions it was recorded under (empty for an unknown or expired id). */
export interface FeedbackResult {
  attributed: ResponseAttribution[];
}

/** Counts of late feedback since start; none of these are errors. */
export interface FeedbackStats {
  received: number;
  /** Recorded under at least one flag. */
  attributed: number;
  /** The id was never remembered, or has expired. */
  unknown: number;
  /** Not 'positive', 'negative' or a finite number, or an id that is not a string. */
  invalid: number;
  /** The response store could not be read (e.g. Redis away). */
  failed: number;
}

export interface LateFeedbackOptions {
  responses: ResponseStore;
  store: OutcomeRecorder | undefined;
  /** The named score a numeric feedback is recorded as (default `feedback`). */
  scoreName?: string;
}

/** Attributes feedback that arrives after the response, by its id, to the flag, variant and unit that produced it. */
export class LateFeedback {
  private readonly responses: ResponseStore;
  private readonly store: OutcomeRecorder | undefined;
  private readonly scoreName: string;
  private readonly counts: FeedbackStats = { received: 0, attributed: 0, unknown: 0, invalid: 0, failed: 0 };

  constructor(options: LateFeedbackOptions) {
    this.responses = options.responses;
    this.store = options.store;
    this.scoreName = options.scoreName ?? 'feedback';
  }

  /** Records the feedback under every flag the response was made under; never throws. */
  async feedback(responseId: string, value: FeedbackValue): Promise<FeedbackResult> {
    this.counts.received++;
    const valid = value === 'positive' || value === 'negative' || (typeof value === 'number' && Number.isFinite(value));
    if (!valid || typeof responseId !== 'string') {
      this.counts.invalid++;
      return { attributed: [] };
    }
    let attributed: ResponseAttribution[];
    try {
      attributed = await this.responses.lookup(responseId);
    } catch {
      this.counts.failed++;
      return { attributed: [] };
    }
    if (attributed.length === 0) {
      this.counts.unknown++;
      return { attributed };
    }
    this.counts.attributed++;
    for (const a of attributed) {
      const unit = a.unitId !== undefined ? { unitId: a.unitId } : {};
      const what = typeof value === 'number' ? { scores: { [this.scoreName]: value } } : { feedback: value };
      try {
        this.store?.record({ flagKey: a.flagKey, variant: a.variant, ...unit, ...what });
      } catch {
        // Stores count their own drops.
      }
    }
    return { attributed };
  }

  stats(): FeedbackStats {
    return { ...this.counts };
  }
}
