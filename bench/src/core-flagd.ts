/**
 * Evaluating a flagd file (issue 17, Speed): the same flagd document and users through aiflags (the file read
 * by parseFlags as any flag file, then `evaluate`, and the LocalProvider's resolve) and through
 * `@openfeature/flagd-core`'s resolve, with the ratio. Goal: aiflags at least 5x faster. Every assignment is
 * compared too: a fast wrong answer would not count.
 *
 *   node --expose-gc --import tsx --conditions=source bench/src/core-flagd.ts [--quick]
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FlagdCore } from '@openfeature/flagd-core';
import { evaluate, parseFlags } from '@aiflags/core';
import { LocalProvider } from '@aiflags/provider';
import type { BenchOptions, BenchRow } from './report.js';

const SUITE = 'core-flagd';
const GOAL = 5;
const gc: (() => void) | undefined = (globalThis as { gc?: () => void }).gc;

/** A flagd file as flagd users write one: a rollout, a targeted split, a $ref, semver and string targeting. */
export const FLAGD_FILE = {
  $schema: 'https://flagd.dev/schema/v0/flags.json',
  flags: {
    'chat-model': {
      state: 'ENABLED',
      variants: { control: 'gpt-4o', treatment: 'claude-sonnet-4' },
      defaultVariant: 'control',
      targeting: {
        if: [
          { $ref: 'staff' },
          'treatment',
          {
            fractional: [
              ['treatment', 10],
              ['control', 90],
            ],
          },
        ],
      },
    },
    'system-prompt': {
      state: 'ENABLED',
      variants: { helpful: 'You are helpful.', concise: 'Be concise.', expert: 'You are an expert.' },
      defaultVariant: 'helpful',
      targeting: {
        if: [
          { in: [{ var: 'plan' }, ['pro', 'team']] },
          { fractional: [{ cat: ['prompt-v2', { var: 'targetingKey' }] }, ['helpful', 33], ['concise', 33], ['expert', 34]] },
          'helpful',
        ],
      },
    },
    'new-tools': {
      state: 'ENABLED',
      variants: { on: true, off: false },
      defaultVariant: 'off',
      targeting: { if: [{ and: [{ sem_ver: [{ var: 'appVersion' }, '>=', '2.1.0'] }, { starts_with: [{ var: 'region' }, 'eu-'] }] }, 'on', 'off'] },
    },
    temperature: {
      state: 'ENABLED',
      variants: { low: 0.2, high: 0.9 },
      defaultVariant: 'low',
      targeting: { if: [{ and: [{ '!=': [{ var: 'age' }, null] }, { '>=': [{ var: 'age' }, 40] }] }, 'high', null] },
    },
    legacy: { state: 'DISABLED', variants: { on: true, off: false }, defaultVariant: 'on' },
  },
  $evaluators: { staff: { ends_with: [{ var: 'email' }, '@acme.com'] } },
};

type Kind = 'string' | 'boolean' | 'number';
const KINDS: Record<string, Kind> = { 'chat-model': 'string', 'system-prompt': 'string', 'new-tools': 'boolean', temperature: 'number', legacy: 'boolean' };
const FALLBACK = { string: '?', boolean: false, number: -1 } as const;

function users(n: number): Record<string, string | number>[] {
  return Array.from({ length: n }, (_, i) => ({
    targetingKey: `user-${i}`,
    email: i % 20 === 0 ? `u${i}@acme.com` : `u${i}@mail.example`,
    plan: ['free', 'pro', 'team'][i % 3] as string,
    appVersion: `2.${i % 4}.${i % 7}`,
    region: i % 2 === 0 ? 'eu-west-1' : 'us-east-1',
    age: 18 + (i % 60),
  }));
}

type Resolve = (key: string, kind: Kind, ctx: Record<string, string | number>) => unknown;
type Population = Record<string, string | number>[];
/** Every flag for every user through one contender; returns a count of answers so the work cannot be skipped. */
type Loop = (population: Population) => number;

const KEYS = Object.keys(KINDS);

/**
 * Process CPU ns per evaluation of one round (CPU time: the machine is shared). Each contender has its own
 * loop literal, so its call is monomorphic and the JIT inlines it as an app's own call site would: one shared
 * loop calling three contenders through a parameter adds the same megamorphic-call cost to each, which
 * understates the ratio of the faster one.
 */
function round(loop: Loop, population: Population): number {
  gc?.();
  const cpu0 = process.cpuUsage();
  const sink = loop(population);
  const cpu = process.cpuUsage(cpu0);
  if (sink < 0) console.log(sink);
  return ((cpu.user + cpu.system) * 1000) / (population.length * KEYS.length);
}

/** Median per contender over `rounds`, the contenders interleaved round by round so load changes hit all alike (one warm-up round). */
function timeInterleaved(contenders: Loop[], population: Population, rounds: number): number[] {
  const samples = contenders.map(() => [] as number[]);
  for (let r = 0; r <= rounds; r++) {
    contenders.forEach((c, i) => {
      const ns = round(c, population);
      if (r > 0) samples[i]?.push(ns);
    });
  }
  return samples.map((s) => s.sort((a, b) => a - b)[Math.floor(s.length / 2)] as number);
}

export async function run(options: BenchOptions): Promise<BenchRow[]> {
  const population = users(options.quick ? 10_000 : 50_000);
  const rounds = options.quick ? 3 : 7;
  const text = JSON.stringify(FLAGD_FILE);
  const set = parseFlags(text, 'bench.flagd.json');
  const core = new FlagdCore();
  core.setConfigurations(text);
  const dir = await mkdtemp(join(tmpdir(), 'aiflags-bench-flagd-'));
  const file = join(dir, 'flags.flagd.json');
  await writeFile(file, text);
  const provider = new LocalProvider({ file, watch: false });
  await provider.initialize();
  try {
    const flagd: Resolve = (key, kind, ctx) =>
      kind === 'string'
        ? core.resolveStringEvaluation(key, FALLBACK.string, ctx).value
        : kind === 'boolean'
          ? core.resolveBooleanEvaluation(key, FALLBACK.boolean, ctx).value
          : core.resolveNumberEvaluation(key, FALLBACK.number, ctx).value;
    const local: Resolve = (key, kind, ctx) => evaluate(set, key, ctx).value ?? FALLBACK[kind];
    const viaProvider = (key: string, kind: Kind, ctx: Record<string, string | number>) =>
      kind === 'string'
        ? provider.resolveStringEvaluation(key, FALLBACK.string, ctx)
        : kind === 'boolean'
          ? provider.resolveBooleanEvaluation(key, FALLBACK.boolean, ctx)
          : provider.resolveNumberEvaluation(key, FALLBACK.number, ctx);
    // One loop literal per contender (see round).
    const flagdLoop: Loop = (population) => {
      let n = 0;
      for (const ctx of population) for (const key of KEYS) if (flagd(key, KINDS[key] as Kind, ctx) !== undefined) n++;
      return n;
    };
    const localLoop: Loop = (population) => {
      let n = 0;
      for (const ctx of population) for (const key of KEYS) if (local(key, KINDS[key] as Kind, ctx) !== undefined) n++;
      return n;
    };
    const providerLoop: Loop = (population) => {
      let n = 0;
      for (const ctx of population) for (const key of KEYS) if (viaProvider(key, KINDS[key] as Kind, ctx) !== undefined) n++;
      return n;
    };

    let mismatches = 0;
    for (const ctx of population.slice(0, 10_000)) {
      for (const key of Object.keys(KINDS)) {
        const kind = KINDS[key] as Kind;
        const want = flagd(key, kind, ctx);
        const got = (await viaProvider(key, kind, ctx)).value;
        if (got !== want || local(key, kind, ctx) !== want) mismatches++;
      }
    }

    const [flagdNs, coreNs, providerNs] = timeInterleaved([flagdLoop, localLoop, providerLoop], population, rounds) as [number, number, number];
    const sample = `process CPU, ${population.length.toLocaleString('en')} users x ${Object.keys(KINDS).length} flags, median of ${rounds}`;
    const ratio = (ns: number) => Math.round((flagdNs / ns) * 10) / 10;
    const verdict = (ns: number) => `${ratio(ns) >= GOAL ? 'goal met' : 'goal missed'} (>= ${GOAL}x)`;
    return [
      { suite: SUITE, name: '@openfeature/flagd-core resolve', value: Math.round(flagdNs), unit: 'ns/eval', note: sample },
      { suite: SUITE, name: 'aiflags evaluate (flagd file)', value: Math.round(coreNs), unit: 'ns/eval', note: sample },
      { suite: SUITE, name: 'aiflags LocalProvider resolve (flagd file)', value: Math.round(providerNs), unit: 'ns/eval', note: sample },
      { suite: SUITE, name: 'flagd-core / aiflags evaluate', value: ratio(coreNs), unit: 'ratio', note: verdict(coreNs) },
      { suite: SUITE, name: 'flagd-core / aiflags LocalProvider', value: ratio(providerNs), unit: 'ratio', note: verdict(providerNs) },
      { suite: SUITE, name: 'assignments differing from flagd-core', value: mismatches, unit: 'count', note: '10,000 users x every flag' },
    ];
  } finally {
    await provider.onClose();
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rows = await run({ quick: process.argv.includes('--quick') });
  for (const r of rows) console.log(`${r.name}: ${r.value} ${r.unit}${r.note ? `  (${r.note})` : ''}`);
}
