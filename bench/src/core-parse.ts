/**
 * Flag-file parsing at scale (issue 12 item 8): parseFlags over 16k, 32k and 100k flags, YAML and JSON, with
 * the growth per doubling of the flag count (1.0 is linear); and the longest event-loop delay while
 * LocalProvider reloads a 20k- and a 100k-flag file, through the worker thread beside parsing in place.
 *
 *   node --expose-gc --import tsx --conditions=source bench/src/core-parse.ts [--quick]
 *   (the worker runs packages/provider/dist: build first, `npx turbo run build`)
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ProviderEvents } from '@openfeature/server-sdk';
import { parseFlags } from '@aiflags/core';
import { LocalProvider } from '@aiflags/provider';
import type { BenchOptions, BenchRow } from './report.js';

const SUITE = 'core-parse';
const gc: (() => void) | undefined = (globalThis as { gc?: () => void }).gc;

/** A realistic big file: every tenth flag a model swap with two variants and a rollout, the rest the shorthand. */
function flagDocument(n: number, percentage: number): Record<string, unknown> {
  const flags: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) {
    flags[`flag-${i}`] =
      i % 10 === 0
        ? { variants: { control: 'gpt-4o', treatment: 'claude-sonnet-4' }, defaultVariant: 'control', rollout: { variant: 'treatment', percentage } }
        : { enabled: true, percentage };
  }
  return { flags };
}

function yamlText(n: number, percentage: number): string {
  const lines = ['flags:'];
  for (let i = 0; i < n; i++) {
    if (i % 10 === 0)
      lines.push(
        `  flag-${i}:`,
        '    variants: { control: gpt-4o, treatment: claude-sonnet-4 }',
        '    defaultVariant: control',
        `    rollout: { variant: treatment, percentage: ${percentage} }`,
      );
    else lines.push(`  flag-${i}: { enabled: true, percentage: ${percentage} }`);
  }
  return `${lines.join('\n')}\n`;
}

const text = (format: 'yaml' | 'json', n: number, percentage = 10): string =>
  format === 'yaml' ? yamlText(n, percentage) : JSON.stringify(flagDocument(n, percentage));

/** Median wall and CPU milliseconds of parseFlags over `rounds` (CPU: this process, so GC threads count too). */
function timeParse(content: string, file: string, rounds: number): { wall: number; cpu: number } {
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let r = 0; r < rounds; r++) {
    gc?.();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const set = parseFlags(content, file);
    walls.push(performance.now() - t0);
    const used = process.cpuUsage(cpu0);
    cpus.push((used.user + used.system) / 1000);
    if (set.flags.size === 0) throw new Error('parsed no flags');
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return { wall: median(walls), cpu: median(cpus) };
}

/** Longest event-loop delay (ms) while a LocalProvider reloads an `n`-flag file, and where it parsed. */
async function reloadDelay(n: number, offThreadMinBytes: number): Promise<{ maxMs: number; where: string; parseMs: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'aiflags-bench-parse-'));
  try {
    const file = join(dir, 'flags.yaml');
    await writeFile(file, text('yaml', n, 0));
    const provider = new LocalProvider({ file, offThreadMinBytes, watch: { settleMs: 20, debounceMs: 10, pollMs: 100 } });
    await provider.initialize();
    const changed = new Promise<void>((resolve) => provider.events.addHandler(ProviderEvents.ConfigurationChanged, () => resolve()));
    // The new file's text is made before the probe starts: making it is the writer's work, not the reload's.
    const next = text('yaml', n, 100);
    gc?.();
    // A timer-lag probe: the longest gap between 1 ms ticks is the longest the loop was held. It also keeps
    // the process alive until the reload lands (the watcher's timers do not; an app's server would).
    let last = performance.now();
    let maxGap = 0;
    const probe = setInterval(() => {
      const now = performance.now();
      maxGap = Math.max(maxGap, now - last);
      last = now;
    }, 1);
    await writeFile(file, next);
    await changed;
    // Let the probe tick once more, so a hold that ended with the reload is counted.
    await new Promise((resolve) => setTimeout(resolve, 20));
    clearInterval(probe);
    const parsed = provider.lastParse!;
    await provider.onClose();
    return { maxMs: maxGap, where: parsed.where, parseMs: parsed.ms };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function run(options: BenchOptions = { quick: false }): Promise<BenchRow[]> {
  const rounds = options.quick ? 1 : 5;
  const sizes = [16_000, 32_000, 100_000];
  const rows: BenchRow[] = [];
  const load = `load avg ${loadavg()[0]!.toFixed(1)}`;
  for (const format of ['yaml', 'json'] as const) {
    const times: { n: number; wall: number; cpu: number }[] = [];
    for (const n of sizes) {
      const content = text(format, n);
      parseFlags(content, `warm.${format}`); // JIT warm-up
      const t = timeParse(content, `flags.${format}`, rounds);
      times.push({ n, ...t });
      const mb = (Buffer.byteLength(content) / 2 ** 20).toFixed(1);
      const goal = n === 100_000 ? `; goal < 1000 ms ${t.wall < 1000 ? 'met' : 'MISSED'} (wall), ${t.cpu < 1000 ? 'met' : 'missed'} (CPU)` : '';
      rows.push({
        suite: SUITE,
        name: `parseFlags ${format}, ${n / 1000}k flags (${mb} MB)`,
        value: Math.round(t.wall),
        unit: 'ms',
        note: `CPU ${Math.round(t.cpu)} ms; median of ${rounds}${goal}; ${load}`,
      });
    }
    // Time per doubling of the flag count: 1.0 is linear, 2.0 would be quadratic.
    for (let i = 1; i < times.length; i++) {
      const a = times[i - 1]!;
      const b = times[i]!;
      const doublings = Math.log2(b.n / a.n);
      const perDoubling = (b.cpu / a.cpu) ** (1 / doublings) / 2;
      rows.push({
        suite: SUITE,
        name: `${format} growth ${a.n / 1000}k → ${b.n / 1000}k, per doubling / 2`,
        value: Math.round(perDoubling * 100) / 100,
        unit: 'ratio',
        note: `CPU time ratio ${(b.cpu / a.cpu).toFixed(2)} for ${(b.n / a.n).toFixed(2)}x the flags; 1.0 = linear`,
      });
    }
  }
  for (const n of options.quick ? [20_000] : [20_000, 100_000]) {
    const worker = await reloadDelay(n, 64 * 1024);
    const inPlace = await reloadDelay(n, Number.POSITIVE_INFINITY);
    rows.push({
      suite: SUITE,
      name: `reload ${n / 1000}k flags, longest event-loop delay (${worker.where})`,
      value: Math.round(worker.maxMs * 10) / 10,
      unit: 'ms',
      note: `goal ≤ 50 ms ${worker.maxMs <= 50 ? 'met' : 'MISSED'}; reload took ${Math.round(worker.parseMs)} ms`,
    });
    rows.push({
      suite: SUITE,
      name: `reload ${n / 1000}k flags, longest event-loop delay (parsed in place)`,
      value: Math.round(inPlace.maxMs * 10) / 10,
      unit: 'ms',
      note: `${(inPlace.maxMs / worker.maxMs).toFixed(1)}x the worker path's`,
    });
  }
  return rows;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  run({ quick: process.argv.includes('--quick') }).then((rows) => {
    for (const r of rows) console.log(`${r.name}: ${r.value} ${r.unit}${r.note ? `  (${r.note})` : ''}`);
  });
}
