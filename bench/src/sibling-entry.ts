import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The bench's own folder: `bench/src` when run from source through tsx, `bench/dist` from the build. */
export const benchDir = dirname(fileURLToPath(import.meta.url));

/** `.ts` from source, `.js` from the build: child entry points must match how the runner was started. */
export const entryExtension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

/** Path of a runnable file next to this one, e.g. `siblingEntry('run-module')`. */
export function siblingEntry(name: string): string {
  return join(benchDir, `${name}${entryExtension}`);
}
