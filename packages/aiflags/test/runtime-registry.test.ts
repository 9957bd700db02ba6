import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closeDefaultMetrics, defaultMetrics } from '../src/default-metrics.js';
import { resolveRuntime } from '../src/runtime.js';

describe('one registry per process: the provider, aiFlags and the CLI share one opened store per place', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aiflags-registry-'));
  const flags = join(dir, 'flags.yaml');
  writeFileSync(flags, 'flags: {}\n');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('two runtimes for one flag file share the state and metric stores; the last close closes them', async () => {
    const a = await resolveRuntime({ flags }, {});
    const b = await resolveRuntime({ flags: join(dir, '.', 'flags.yaml') }, {});
    expect(b.state).toBe(a.state);
    expect(b.metrics).toBe(a.metrics);
    expect(defaultMetrics({ flags, redisUrl: '' })).toBe(a.metrics); // '': the file store whatever REDIS_URL says
    await a.close();
    await a.close(); // a second close of the same hold is a no-op, not a release of someone else's
    await b.state.setKillSwitch('s', true, { actor: 't' });
    expect(b.state.current().killSwitches.s?.killed).toBe(true);
    await b.close();
    await closeDefaultMetrics();
    // Everything released: the next runtime opens fresh stores.
    const c = await resolveRuntime({ flags }, {});
    expect(c.state).not.toBe(a.state);
    expect(c.state.current().killSwitches.s?.killed).toBe(true);
    await c.close();
  });

  it('another place is another store', async () => {
    const a = await resolveRuntime({ flags }, {});
    const other = await resolveRuntime({ flags, stateDir: join(dir, 'elsewhere') }, {});
    try {
      expect(other.state).not.toBe(a.state);
      expect(other.spec.storeKey).not.toBe(a.spec.storeKey);
    } finally {
      await Promise.all([a.close(), other.close()]);
    }
  });
});
