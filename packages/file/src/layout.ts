import { dirname, join } from 'node:path';

/** The folder beside the flag file that holds one machine's live state, metrics, audit log and presence. */
export const AIFLAGS_DIR = '.aiflags';

/** `.aiflags/` beside the flag file. */
export function aiflagsDirFor(flagsPath: string): string {
  return join(dirname(flagsPath), AIFLAGS_DIR);
}

/** Every path under `.aiflags/`, named once: the stores build theirs from here (see README, "Layout"). */
export interface AiflagsLayout {
  dir: string;
  /** The live state (kill switches, overrides), replaced atomically under the lock. */
  state: string;
  /** A copy of the last state a write committed, what `aiflags state repair` restores. */
  lastGood: string;
  /** Held by one writer at a time (pid, host and token inside). */
  lock: string;
  /** One JSON line per change, appended before the state is committed. */
  audit: string;
  /** One file per running instance: `<id>.json`. */
  instances: string;
  /** One file per process: `<pid>-<random>.json`, that process's aggregates. */
  metrics: string;
  /** One JSON-lines file per replayed flag: `<flag>.jsonl`, a result per case x variant x flag version. */
  replay: string;
  /** Response attributions for late feedback: `<hour start>-<pid>-<random>.jsonl` per process and hour, deleted once expired. */
  responses: string;
}

/** The paths under an `.aiflags/` directory. */
export function aiflagsLayout(dir: string): AiflagsLayout {
  return {
    dir,
    state: join(dir, 'state.json'),
    lastGood: join(dir, 'state.last-good.json'),
    lock: join(dir, 'state.lock'),
    audit: join(dir, 'audit.jsonl'),
    instances: join(dir, 'instances'),
    metrics: join(dir, 'metrics'),
    replay: join(dir, 'replay'),
    responses: join(dir, 'responses'),
  };
}
