import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisStateStore } from '@aiflags/redis';
import { startInstances, type Instance } from '@aiflags/testing';
import { deletePrefix, testRedisUrl } from '@aiflags/testing';
import { runCli } from './support/run-cli.js';

const PROCESSES = 12;
const env = `test-${Math.random().toString(36).slice(2, 10)}`;
// What `aiflags` uses for AIFLAGS_ENV=<env>: the test's own key space in the shared Redis.
const prefix = `aiflags:${env}`;
let instances: Instance[] = [];

afterAll(async () => {
  await Promise.all(instances.map((i) => i.stop()));
  await deletePrefix(prefix);
});

describe(`kill switch across ${PROCESSES} processes (real Redis)`, () => {
  it('`aiflags kill` once: every process sees it; the slowest arrival is reported', { timeout: 600_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aiflags-multi-'));
    const flagsFile = join(dir, 'flags.yaml');
    // fault-flag is the flag the instances record outcomes for (@aiflags/testing's fixtures/redis-instance.ts).
    writeFileSync(
      flagsFile,
      'flags:\n  fault-flag:\n    variants: { control: gpt-4o, treatment: gpt-4o-mini }\n    defaultVariant: control\nkillSwitches:\n  ai_agent_enabled: {}\n',
    );
    const cliEnv = { env: { REDIS_URL: testRedisUrl, AIFLAGS_ENV: env } };
    instances = await startInstances(PROCESSES, { REDIS_URL: testRedisUrl, AIFLAGS_PREFIX: prefix, RECORD_EVERY_MS: '20' });

    const cli = await runCli(
      ['kill', 'ai_agent_enabled', '--reason', 'agent loops on tool calls', '--actor', 'oncall', '--flags', flagsFile, '--json'],
      cliEnv,
    );
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    const flipped = JSON.parse(cli.stdout) as { killed: boolean; at: string };
    expect(flipped.killed).toBe(true);

    const arrivals = await Promise.all(instances.map((i) => i.waitFor((m) => m.type === 'change' && m.killed?.ai_agent_enabled === true, 30_000)));
    // The switch's `at` is the flip time written by the CLI (ms resolution, same machine clock).
    const delays = arrivals.map((m) => m.at! - Date.parse(flipped.at)).sort((a, b) => a - b);
    console.log(
      `aiflags kill reached ${PROCESSES} processes: slowest ${delays.at(-1)!.toFixed(1)} ms, median ${delays[Math.floor(PROCESSES / 2)]!.toFixed(1)} ms after the flip`,
    );
    expect(instances.every((i) => i.killed().ai_agent_enabled === true)).toBe(true);
    expect(new Set(arrivals.map((m) => m.version))).toEqual(new Set([1]));

    const operator = new RedisStateStore({ url: testRedisUrl, prefix });
    await operator.start();
    try {
      await operator.setKillSwitch('ai_agent_enabled', false, { actor: 'oncall' });
      await Promise.all(instances.map((i) => i.waitFor((m) => m.type === 'change' && m.killed?.ai_agent_enabled === false, 30_000)));
      const log = await operator.audit.list({ target: 'ai_agent_enabled' });
      expect(log.map((e) => [e.action, e.actor, e.reason])).toEqual([
        ['revive', 'oncall', undefined],
        ['kill', 'oncall', 'agent loops on tool calls'],
      ]);
    } finally {
      await operator.close();
    }

    const audit = await runCli(['audit', '--target', 'ai_agent_enabled', '--json', '--flags', flagsFile], cliEnv);
    expect(audit.code).toBe(0);
    expect(
      audit.stdout
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { action: string }).action),
    ).toEqual(['revive', 'kill']);

    // `aiflags report` reads the metrics every process wrote, merged.
    for (const i of instances) i.send('stop');
    const stopped = await Promise.all(instances.map((i) => i.waitFor((m) => m.type === 'stopped', 60_000)));
    const sent = stopped.reduce((n, m) => n + m.sent!, 0);
    const dropped = stopped.reduce((n, m) => n + m.stats!.dropped, 0);
    const report = await runCli(['report', 'fault-flag', '--json', '--flags', flagsFile], cliEnv);
    expect(report.stderr).toBe('');
    const { report: impact } = JSON.parse(report.stdout) as { report: { variants: Array<{ variant: string; size: { outcomes: number } }> } };
    const reported = impact.variants.reduce((n, v) => n + v.size.outcomes, 0);
    console.log(`aiflags report: ${reported} outcomes merged from ${PROCESSES} processes (sent ${sent}, dropped ${dropped})`);
    expect(reported).toBe(sent - dropped);
  });
});
