import type { ReplayCaseDiff, ReplayReport } from './analyze-replay.js';
import type { ReplayCase, ReplayResult } from './replay-types.js';

/**
 * Fills the worst and best cases of a report from analyzeReplayTally with what each arm returned (from the
 * results, read once more) and the case's input and reference (from the cases, read once more), keeping only
 * those few: a second pass over each file instead of holding every output and input while the replay runs.
 */
export async function fillReplayExamples(
  report: ReplayReport,
  results: AsyncIterable<ReplayResult>,
  cases?: AsyncIterable<ReplayCase> | Iterable<ReplayCase>,
): Promise<ReplayReport> {
  const examples = new ReplayExamples(report);
  if (examples.empty) return report;
  for await (const r of results) examples.offerResult(r);
  // The read stops once every listed case was found, not at the end of the file: streamed cases have unique ids.
  if (cases) for await (const c of cases) if (examples.offerCase(c)) break;
  return examples.fill(report);
}

/** The outputs and cases a report's examples name, picked out of results and cases offered one at a time. */
export class ReplayExamples {
  private readonly outputs = new Map<string, unknown>();
  private readonly cases = new Map<string, ReplayCase | undefined>();
  private found = 0;

  constructor(report: ReplayReport) {
    for (const t of report.treatments) {
      for (const d of [...t.worst, ...t.best]) {
        this.cases.set(d.caseId, undefined);
        this.outputs.set(key(d.caseId, report.control), undefined);
        this.outputs.set(key(d.caseId, t.variant), undefined);
      }
    }
  }

  get empty(): boolean {
    return this.cases.size === 0;
  }

  /** The later success wins, as in the tally: the examples are cases both arms passed. */
  offerResult(r: ReplayResult): void {
    if (!r.ok) return;
    const k = key(r.caseId, r.variant);
    if (this.outputs.has(k)) this.outputs.set(k, r.output);
    // A shadow's served record carries the request's input: there is no cases file to read it from.
    if (r.input !== undefined && this.cases.has(r.caseId) && this.cases.get(r.caseId) === undefined) this.offerCase({ id: r.caseId, input: r.input });
  }

  /** Keeps the case if the report lists it (a later one of the same id replaces it); true once every listed case was found. */
  offerCase(c: ReplayCase): boolean {
    if (!this.cases.has(c.id)) return false;
    if (this.cases.get(c.id) === undefined) this.found++;
    this.cases.set(c.id, c);
    return this.found === this.cases.size;
  }

  fill(report: ReplayReport): ReplayReport {
    const filled = (variant: string, d: ReplayCaseDiff): ReplayCaseDiff => {
      const known = this.cases.get(d.caseId);
      const out: ReplayCaseDiff = {
        ...d,
        input: known?.input,
        control: { ...d.control, output: this.outputs.get(key(d.caseId, report.control)) },
        treatment: { ...d.treatment, output: this.outputs.get(key(d.caseId, variant)) },
      };
      if (known?.reference !== undefined) out.reference = known.reference;
      return out;
    };
    return {
      ...report,
      treatments: report.treatments.map((t) => ({
        ...t,
        worst: t.worst.map((d) => filled(t.variant, d)),
        best: t.best.map((d) => filled(t.variant, d)),
      })),
    };
  }
}

function key(caseId: string, variant: string): string {
  return `${caseId}\u0000${variant}`;
}
