import { LocalProvider } from '@aiflags/provider';
import { GOAL_ROWS, type BenchFlag, type Contender } from '../contender.js';
import { aiflagsFlagFile } from './aiflags-raw.js';
import { openFeatureContender } from './openfeature-client.js';

/** aiflags' LocalProvider serving the flag from an object (no file, no watcher, no live state). */
export async function openFeatureLocalProvider(flag: BenchFlag): Promise<Contender> {
  const provider = new LocalProvider({ flags: aiflagsFlagFile(flag), watch: false });
  return openFeatureContender(GOAL_ROWS.localProvider, 'bench-local', provider, flag);
}
