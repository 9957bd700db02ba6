/** Something in a flag file a target backend cannot express; exporters list these instead of dropping them. */
export interface ExportProblem {
  flag: string;
  field: string;
  message: string;
}

export interface ExportResult<T = unknown> {
  data: T;
  problems: ExportProblem[];
}
