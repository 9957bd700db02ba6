import type { Provider } from '@openfeature/server-sdk';
import type { BenchFlag, Contender, SkippedContender } from '../contender.js';
import { aiflagsFlagFile } from './aiflags-raw.js';
import { openFeatureContender } from './openfeature-client.js';

type LocalProviderClass = new (options: { flags: object; watch?: boolean }) => Provider;

/** aiflags' LocalProvider serving the flag from an object (no file, no watcher, no live state). */
export async function openFeatureLocalProvider(flag: BenchFlag): Promise<Contender | SkippedContender> {
  const name = 'OpenFeature + aiflags LocalProvider';
  let LocalProvider: LocalProviderClass | undefined;
  try {
    ({ LocalProvider } = (await import('@aiflags/provider')) as { LocalProvider?: LocalProviderClass });
  } catch (error) {
    return { name, kind: 'openfeature', skipped: `@aiflags/provider does not load: ${(error as Error).message.split('\n')[0]}` };
  }
  if (typeof LocalProvider !== 'function') {
    return { name, kind: 'openfeature', skipped: '@aiflags/provider does not export LocalProvider yet' };
  }
  const provider = new LocalProvider({ flags: aiflagsFlagFile(flag), watch: false });
  return openFeatureContender(name, 'bench-local', provider, flag);
}
