/**
 * Each published package's public surface is checked in (packages/<name>/api-report.md, written by
 * `npm run api-report`): adding, removing or retyping an export fails here until the report is
 * regenerated and the change reviewed with it.
 */
import { readFileSync, existsSync } from 'node:fs';
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { apiReports } from '../scripts/api-report.js';

describe('API reports', { timeout: 60_000 }, () => {
  const reports = apiReports();

  it('covers every published package', () => {
    expect(reports.map((r) => r.name).sort()).toEqual([
      '@aiflags/ai',
      '@aiflags/core',
      '@aiflags/file',
      '@aiflags/flagsmith',
      '@aiflags/launchdarkly',
      '@aiflags/metrics',
      '@aiflags/provider',
      '@aiflags/redis',
      '@aiflags/unleash',
      'aiflags',
    ]);
  });

  it.each(reports.map((r) => [r.name, r] as const))(
    '%s matches its checked-in api-report.md (else run npm run api-report and review the diff)',
    (_, report) => {
      const checkedIn = existsSync(report.file) ? readFileSync(report.file, 'utf8') : `(missing: ${relative(process.cwd(), report.file)})`;
      expect(checkedIn).toBe(report.text);
    },
  );

  it('keeps compilation, hash primitives and special functions internal', async () => {
    const core = Object.keys(await import('@aiflags/core'));
    const metrics = Object.keys(await import('@aiflags/metrics'));
    for (const internal of ['compileFlagProgram', 'compileCondition', 'hexMod', 'murmur3Continue', 'md5Mod', 'sha1Hex', 'FlagSchema'])
      expect(core).not.toContain(internal);
    for (const internal of ['logGamma', 'regularizedBeta', 'HLL_PRECISION', 'hashUnitId', 'mergeMomentsInto']) expect(metrics).not.toContain(internal);
    expect(core).toEqual(expect.arrayContaining(['parseFlags', 'validateFlags', 'evaluate', 'FlagConfigError', 'murmur3']));
    expect(metrics).toEqual(expect.arrayContaining(['welchTTest', 'twoProportionZTest', 'srmTest', 'MemoryMetricStore', 'OUTCOME_METRICS']));
  });
});
