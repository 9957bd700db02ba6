/** Length of one aggregation bucket in ms. */
export const HOUR_MS = 3_600_000;

/** Start (epoch ms, UTC) of the hour containing `epochMs`. */
export function hourOf(epochMs: number): number {
  return Math.floor(epochMs / HOUR_MS) * HOUR_MS;
}
