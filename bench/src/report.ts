/**
 * The one row shape every bench module returns, so the runner can print all suites in one table.
 * Modules named `bench/src/ai-*.ts` and `bench/src/redis-*.ts` export `run(options)` returning `BenchRow[]`.
 */
export interface BenchRow {
  /** Which bench produced the row, e.g. `flag-evaluation`, `ai-tracker`, `redis-kill-switch`. */
  suite: string;
  /** What was measured, e.g. `aiflags raw`, `store ingestion`. */
  name: string;
  value: number;
  /** Unit of `value`, written out: `ns/eval`, `ops/s`, `ms`, `MB`, `ratio`. */
  unit: string;
  /** Free text shown beside the row: goal met or missed, sample size, noise warnings. */
  note?: string;
}

/** Options the runner passes to every bench module's `run`. */
export interface BenchOptions {
  /** True for a short smoke run (`--quick`): fewer rounds, numbers only good for "does it run". */
  quick: boolean;
}

/** The signature a `bench/src/ai-*.ts` or `bench/src/redis-*.ts` module exports as `run`. */
export type BenchModuleRun = (options: BenchOptions) => Promise<BenchRow[]>;
