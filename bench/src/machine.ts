import { cpus, loadavg, totalmem } from 'node:os';

/** One line describing where the numbers came from, and how busy the machine was (1-minute load average). */
export function describeMachine(): string {
  const cpu = cpus();
  const model = cpu[0]?.model.trim() ?? 'unknown CPU';
  const load = loadavg()[0]!;
  const busy = load > cpu.length * 0.5 ? ` — machine busy (load ${load.toFixed(2)} on ${cpu.length} cores): numbers are noisy` : '';
  return `Node ${process.version}, ${model}, ${cpu.length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, load avg ${load.toFixed(2)}${busy}`;
}
