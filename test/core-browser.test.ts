/**
 * @aiflags/core runs where JavaScript runs: bundled by esbuild for the browser (no Node built-ins to fall
 * back on) and evaluated in headless Chromium, it gives exactly Node's results for 10,000 users in every
 * bucketing mode, rollouts and splits; and its source imports no Node built-in, Buffer or process.env.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleForBrowser, haveBrowser, launchChromium, requireBrowserOrWarn } from './support/chromium.js';
import { evaluate, parseFlags } from '@aiflags/core';

requireBrowserOrWarn('the browser test of @aiflags/core');

const CORE_SRC = join(import.meta.dirname, '..', 'packages', 'core', 'src');
const USERS = 10_000;
const MODES = ['murmur3', 'md5', 'launchdarkly', 'unleash', 'flagd', 'flagsmith'] as const;
const FLAGS = `flags:\n${MODES.map(
  (hash) => `  rollout-${hash}:
    variants: { control: gpt-4o, treatment: claude-sonnet-4 }
    defaultVariant: control
    rollout: { variant: treatment, percentage: 37 }
    bucketing: { hash: ${hash}, salt: s-${hash} }
  split-${hash}:
    variants: { a: "A", b: "B", c: "C" }
    defaultVariant: a
    split: { a: 20, b: 30, c: 50 }
    bucketing: { hash: ${hash} }
    rules:
      - conditions: [{ attribute: email, op: matches, values: ["^[a-z]+-1[0-9]*@acme\\\\.com$"] }]
        variant: c
`,
).join('')}  ld-seeded: { enabled: true, percentage: 12.345, bucketing: { hash: launchdarkly, seed: 61 } }
`;
const KEYS = [...MODES.flatMap((m) => [`rollout-${m}`, `split-${m}`]), 'ld-seeded'];

/** Runs in Node and, bundled, in the page: every flag for every user, as `variant/reason` strings, and the set's version. */
function evaluateAll(core: { parseFlags: typeof parseFlags; evaluate: typeof evaluate }, text: string, keys: string[], users: number) {
  const set = core.parseFlags(text, 'flags.yaml');
  const out: Record<string, string[]> = {};
  for (const key of keys) {
    const row: string[] = [];
    for (let i = 0; i < users; i++) {
      const r = core.evaluate(set, key, { targetingKey: `user-${i}é`, email: `user-${i}@acme.com` });
      row.push(`${r.variant}/${r.reason}`);
    }
    out[key] = row;
  }
  return { version: set.version, out };
}

describe('the core source', () => {
  it('imports no Node built-in and uses no Buffer, process.env or OS user', async () => {
    const files = (await readdir(CORE_SRC, { recursive: true })).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(30);
    const hits: string[] = [];
    for (const file of files) {
      const code = (await readFile(join(CORE_SRC, file), 'utf8')).replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
      for (const pattern of [
        /from\s+['"]node:/,
        /import\(\s*['"]node:/,
        /\bBuffer\b/,
        /\bprocess\.env\b/,
        /\bprocess\./,
        /\buserInfo\b/,
        /from\s+['"](fs|os|path|crypto|worker_threads)['"]/,
      ]) {
        if (pattern.test(code)) hits.push(`${file}: ${pattern}`);
      }
    }
    expect(hits).toEqual([]);
  });
});

describe.skipIf(!haveBrowser)('@aiflags/core in headless Chromium', () => {
  let browser: Browser | undefined;
  let bundle: string;

  beforeAll(async () => {
    bundle = await bundleForBrowser({
      stdin: {
        contents: `import { parseFlags, evaluate } from './index.ts'; globalThis.aiflagsCore = { parseFlags, evaluate };`,
        resolveDir: CORE_SRC,
        loader: 'ts',
      },
      conditions: ['source'],
    });
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('bundles for the browser without Node built-ins', () => {
    expect(bundle).not.toMatch(/require\(["']node:|from ["']node:/);
  });

  it(`gives Node's results for ${USERS.toLocaleString('en')} users in every bucketing mode`, async () => {
    const page = await browser!.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.addScriptTag({ content: bundle });
    const run = `(${evaluateAll.toString()})(globalThis.aiflagsCore, ${JSON.stringify(FLAGS)}, ${JSON.stringify(KEYS)}, ${USERS})`;
    const inBrowser = (await page.evaluate(run)) as ReturnType<typeof evaluateAll>;
    const inNode = evaluateAll({ parseFlags, evaluate }, FLAGS, KEYS, USERS);
    expect(errors).toEqual([]);
    expect(inBrowser.version).toBe(inNode.version);
    for (const key of KEYS) {
      expect(inBrowser.out[key], key).toEqual(inNode.out[key]);
      // Each flag serves more than one variant, so agreeing means something.
      expect(new Set(inNode.out[key]).size, key).toBeGreaterThan(1);
    }
  }, 120_000);
});
