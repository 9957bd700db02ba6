/**
 * Does announcing presence cost evaluation anything? The same flag evaluated through OpenFeature on four
 * LocalProviders in one process, interleaved round by round: two without presence (their difference is
 * the noise), one announcing at the default 5 s heartbeat, one at a 10 ms heartbeat (a hundred writes a
 * second, far beyond any real setting). Wall-clock ns per evaluation, median of rounds.
 *
 *   node --import tsx --conditions=source bench/src/kill-heartbeat-evaluation.ts [--quick]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OpenFeature, type Client } from '@openfeature/server-sdk';
import { LocalProvider } from '@aiflags/provider';
import { FilePresenceStore, FileStateStore } from '@aiflags/file';
import { median } from './measure.js';
import type { BenchOptions, BenchRow } from './report.js';

const FLAGS = `flags:
  chat-model:
    variants: { control: gpt-4o, treatment: gpt-4o-mini }
    defaultVariant: control
    rollout: { variant: treatment, percentage: 20 }
killSwitches:
  ai_agent_enabled: {}
`;

interface Contender {
  name: string;
  client: Client;
  ns: number[];
}

export async function run(options: BenchOptions = { quick: false }): Promise<BenchRow[]> {
  const users = options.quick ? 20_000 : 200_000;
  const rounds = options.quick ? 3 : 9;
  const dir = mkdtempSync(join(tmpdir(), 'aiflags-bench-heartbeat-'));
  const file = join(dir, 'flags.yaml');
  writeFileSync(file, FLAGS);
  const setups: Array<[string, number | undefined]> = [
    ['no presence (A)', undefined],
    ['no presence (B, the noise)', undefined],
    ['presence, 5 s heartbeat (default)', 5000],
    ['presence, 10 ms heartbeat (stress)', 10],
  ];
  const contenders: Contender[] = [];
  try {
    for (const [i, [name, heartbeatMs]] of setups.entries()) {
      const stateDir = join(dir, `state-${i}`);
      const state = new FileStateStore(stateDir);
      const provider = new LocalProvider({
        file,
        state,
        watch: false,
        ...(heartbeatMs !== undefined ? { presence: { store: new FilePresenceStore(stateDir), heartbeatMs } } : {}),
        dispose: () => state.close(),
      });
      await OpenFeature.setProviderAndWait(`heartbeat-${i}`, provider);
      contenders.push({ name, client: OpenFeature.getClient(`heartbeat-${i}`), ns: [] });
    }
    const contexts = Array.from({ length: users }, (_, u) => ({ targetingKey: `user-${u}` }));
    let sink = 0;
    for (let round = 0; round < rounds + 1; round++) {
      for (const c of contenders) {
        const start = process.hrtime.bigint();
        for (const ctx of contexts) if ((await c.client.getStringValue('chat-model', 'none', ctx)) === 'gpt-4o-mini') sink++;
        const ns = Number(process.hrtime.bigint() - start) / users;
        if (round > 0) c.ns.push(ns); // round 0 warms up
      }
    }
    if (sink === 0) throw new Error('no user got the treatment: the work did not run');
  } finally {
    await OpenFeature.clearProviders();
    rmSync(dir, { recursive: true, force: true });
  }
  const base = median(contenders[0]!.ns);
  return contenders.map((c) => ({
    suite: 'kill-heartbeat',
    name: `evaluation, ${c.name}`,
    value: Math.round(median(c.ns)),
    unit: 'ns/eval',
    note: `${(median(c.ns) / base).toFixed(3)}× A; rounds ${Math.round(Math.min(...c.ns))}–${Math.round(Math.max(...c.ns))} ns; ${rounds} rounds × ${users} users`,
  }));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rows = await run({ quick: process.argv.includes('--quick') });
  for (const r of rows) console.log(`${r.name.padEnd(52)} ${String(r.value).padStart(7)} ${r.unit}  ${r.note ?? ''}`);
  process.exit(0);
}
