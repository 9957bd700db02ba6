import { closestKey, type FlagSet } from '@aiflags/core';
import type { KeyScan, KeyUse } from './find-key-uses.js';

/** A key use the flag file cannot serve. */
export interface KeyProblem extends KeyUse {
  /** `missing`: no flag or kill switch has the key; `wrong-type`: it has values of another type than the call reads. */
  problem: 'missing' | 'wrong-type';
  /** One line: `src/app.ts:12:31: guard('ai_agent_enabld'): …`. */
  message: string;
  /** The closest known key, for a missing one. */
  didYouMean?: string;
}

export interface KeyCheck {
  problems: KeyProblem[];
  /** Flags and kill switches no scanned code reads (by a literal key), in file order. */
  stale: string[];
  /** Distinct keys the code reads. */
  keysUsed: number;
}

/** Compares the keys the code uses with a flag set: unknown keys and wrong types are problems; unread keys are stale. */
export function checkKeys(set: FlagSet, scan: Pick<KeyScan, 'uses'>): KeyCheck {
  const problems: KeyProblem[] = [];
  const read = new Set<string>();
  const switches = [...set.killSwitches.keys()];
  const flags = [...set.flags.keys()];
  for (const use of scan.uses) {
    read.add(use.key);
    const where = `${use.file}:${use.line}:${use.column}: ${use.call}('${use.key}')`;
    const flag = set.flags.get(use.key);
    const isSwitch = set.killSwitches.has(use.key);
    if (!flag && !isSwitch) {
      const hint = closestKey(use.key, use.expects === 'switch' ? [...switches, ...flags] : [...flags, ...switches]);
      const what = use.expects === 'switch' ? 'no kill switch or flag' : 'no flag or kill switch';
      problems.push({
        ...use,
        problem: 'missing',
        message: `${where}: ${what} '${use.key}' in ${set.source}${hint !== undefined ? `; did you mean '${hint}'?` : ''}`,
        ...(hint !== undefined ? { didYouMean: hint } : {}),
      });
      continue;
    }
    const type = flag ? flag.type : 'boolean';
    const wanted = use.expects === 'switch' ? 'boolean' : use.expects;
    if (wanted !== 'any' && wanted !== type) {
      const it = isSwitch ? 'a kill switch (boolean)' : `a flag with ${type} values`;
      problems.push({ ...use, problem: 'wrong-type', message: `${where}: '${use.key}' is ${it} in ${set.source}; ${use.call}() reads ${wanted} values` });
    }
  }
  const stale = [...flags, ...switches].filter((key) => !read.has(key));
  return { problems, stale, keysUsed: read.size };
}
