/** Variants per bitmask: 30 bits keep the mask a small integer (a Smi), so it takes no memory of its own. */
const BITS = 30;

/**
 * The case × variant runs that have succeeded, as a bitmask of variant indexes per case id: one map entry
 * per case rather than one `case/variant` string per run, so resuming a replay of a million cases holds a
 * few dozen MB of ids, not a hundred. Runs of variants not given are not counted.
 */
export class FinishedRuns {
  private readonly index: Map<string, number>;
  private readonly masks = new Map<string, number>();
  /** Distinct finished runs. */
  size = 0;

  constructor(variants: readonly string[]) {
    this.index = new Map(variants.map((v, i) => [v, i]));
  }

  add(caseId: string, variant: string): void {
    const slot = this.slot(caseId, variant);
    if (!slot) return;
    const mask = this.masks.get(slot.key) ?? 0;
    if (mask & slot.bit) return;
    this.masks.set(slot.key, mask | slot.bit);
    this.size++;
  }

  has(caseId: string, variant: string): boolean {
    const slot = this.slot(caseId, variant);
    return slot !== undefined && ((this.masks.get(slot.key) ?? 0) & slot.bit) !== 0;
  }

  private slot(caseId: string, variant: string): { key: string; bit: number } | undefined {
    const i = this.index.get(variant);
    if (i === undefined) return undefined;
    return { key: i < BITS ? caseId : `${caseId}\u0000${Math.floor(i / BITS)}`, bit: 1 << (i % BITS) };
  }
}
