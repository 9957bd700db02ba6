import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Flagsmith, LocalFileHandler } from 'flagsmith-nodejs';
import { parseFlags } from '@aiflags/core';
import { exportToFlagsmith } from '@aiflags/flagsmith';
import type { BenchFlag, Contender } from '../contender.js';

/** The bench flag as an environment document: a PERCENTAGE_SPLIT segment override, as `aiflags export --to flagsmith` writes it. */
export function flagsmithDocument(flag: BenchFlag): string {
  const set = parseFlags(
    `flags:\n  ${flag.key}: { enabled: true, percentage: ${flag.percentage}, bucketing: { hash: flagsmith, salt: bench } }\n`,
    'bench.yaml',
  );
  return JSON.stringify(exportToFlagsmith(set).data);
}

/**
 * flagsmith-nodejs local evaluation (offline mode over the document, nothing fetched):
 * `getIdentityFlags(identifier)` then `isFeatureEnabled`. Every call evaluates every feature of the
 * environment for the identity, which is how the SDK works; the environment here has one.
 */
export async function flagsmith(flag: BenchFlag): Promise<Contender> {
  const dir = mkdtempSync(join(tmpdir(), 'aiflags-bench-flagsmith-'));
  const file = join(dir, 'environment.json');
  writeFileSync(file, flagsmithDocument(flag));
  const client = new Flagsmith({ offlineMode: true, offlineHandler: new LocalFileHandler(file) });
  rmSync(dir, { recursive: true, force: true });
  const identifiers = flag.userKeys;
  const key = flag.key;
  return {
    name: 'flagsmith-nodejs (local evaluation)',
    kind: 'raw',
    async runBatch() {
      let hits = 0;
      for (let i = 0; i < identifiers.length; i++) {
        if ((await client.getIdentityFlags(identifiers[i] as string)).isFeatureEnabled(key)) hits++;
      }
      return hits;
    },
    close() {
      return client.close();
    },
  };
}
