/**
 * One way of evaluating the benchmark flag for every user. Each contender owns its loop so the call it
 * makes per user stays monomorphic: a shared loop calling a closure would add the same few ns to everyone
 * and blur the differences we are measuring.
 */
export interface Contender {
  /** Row name in the table, e.g. `aiflags evaluate()`. */
  name: string;
  /** `raw`: the library's own evaluator; `openfeature`: the same flag through an OpenFeature client. */
  kind: 'raw' | 'openfeature';
  /** Evaluates the flag once for every user, in order; returns how many got `true`. */
  runBatch(): number | Promise<number>;
  /** Percent of users expected to get `true`; defaults to the flag's rollout. The SDK-floor row serves 0. */
  expectedPercent?: number;
  close?(): void | Promise<void>;
}

/** A contender that could not be set up (package missing, API not landed yet), shown as a table note. */
export interface SkippedContender {
  name: string;
  kind: Contender['kind'];
  skipped: string;
}

/** What every contender factory receives: the flag under test and the users, as plain data. */
export interface BenchFlag {
  /** Flag key used by every library. */
  key: string;
  /** Rollout of `true`, in percent (10 means 10 %). */
  percentage: number;
  /** Bucketing units (targeting keys), the same for every contender. */
  userKeys: readonly string[];
}

export type ContenderFactory = (flag: BenchFlag) => Promise<Contender | SkippedContender>;

/** Rows the goals compare; the contenders use these names so the goal lookups cannot drift from them. */
export const GOAL_ROWS = {
  aiflagsRaw: 'aiflags evaluate()',
  inMemory: 'OpenFeature + TypedInMemoryProvider',
  localProvider: 'OpenFeature + aiflags LocalProvider',
} as const;
