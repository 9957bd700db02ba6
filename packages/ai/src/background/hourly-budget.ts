import { HOUR_MS, hourOf } from '@aiflags/metrics';

export interface HourlyBudgetStats {
  hourlyUsd: number;
  spentThisHourUsd: number;
  /** Epoch ms spending resumes, while paused. */
  pausedUntil?: number;
  /** Clock hours in which the budget ran out. */
  pausedHours: number;
}

/** USD that may be spent per clock hour; once spent, `paused()` is true until the next hour. */
export class HourlyBudget {
  private hour = Number.NaN;
  private spent = 0;
  private pausedHours = 0;

  constructor(
    readonly hourlyUsd: number = Number.POSITIVE_INFINITY,
    private readonly clock: () => number = Date.now,
  ) {}

  get limited(): boolean {
    return Number.isFinite(this.hourlyUsd);
  }

  /** Whether this clock hour's budget is spent; a new hour starts a new budget. */
  paused(): boolean {
    if (!this.limited) return false;
    const hour = hourOf(this.clock());
    if (hour !== this.hour) {
      this.hour = hour;
      this.spent = 0;
    }
    return this.spent >= this.hourlyUsd;
  }

  spend(usd: number): void {
    this.paused();
    this.spent += usd;
    if (this.spent >= this.hourlyUsd && this.spent - usd < this.hourlyUsd) this.pausedHours++;
  }

  /** undefined when there is no limit. */
  stats(): HourlyBudgetStats | undefined {
    if (!this.limited) return undefined;
    const paused = this.paused();
    return {
      hourlyUsd: this.hourlyUsd,
      spentThisHourUsd: this.spent,
      ...(paused ? { pausedUntil: this.hour + HOUR_MS } : {}),
      pausedHours: this.pausedHours,
    };
  }
}
