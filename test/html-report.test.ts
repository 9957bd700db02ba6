/**
 * `aiflags report <flag> --html <file>` in a real headless browser (Debian's chromium driven by
 * playwright-core): the page renders, and the numbers on it are the numbers `--json` gives.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haveBrowser, launchChromium, requireBrowserOrWarn } from './support/chromium.js';
import { FileMetricStore } from '@aiflags/file';
import { FileStateStore } from '@aiflags/file';
import { seededRandom, simulateUnits } from '@aiflags/testing';
import { runCli } from './support/run-cli.js';

requireBrowserOrWarn('the browser test of aiflags report --html');

const FLAGS = `
flags:
  system-prompt:
    changeType: system-prompt
    variants: { helpful: "Be helpful.", concise: "Be brief.", expert: "Be an expert." }
    defaultVariant: helpful
    split: { helpful: 33, concise: 33, expert: 34 }
`;

interface Delta {
  diff: number;
  ci: [number, number];
  p: number;
}

describe.skipIf(!haveBrowser)('aiflags report --html', () => {
  let dir: string;
  let browser: Browser;
  let json: {
    report: {
      treatments: Array<Record<string, Delta | string | undefined> & { variant: string }>;
      variants: Array<{ variant: string; size: { units: number } }>;
      srm: { p: number; mismatch: boolean };
    };
    verdict: { decision: string; reasons: string[]; treatments: Array<{ variant: string; decision: string }>; winner?: { variant: string } };
  };
  let htmlPath: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aiflags-html-'));
    const flagsPath = join(dir, 'flags.yaml');
    await writeFile(flagsPath, FLAGS);
    const stateDir = join(dir, '.aiflags');
    const store = new FileMetricStore({ dir: stateDir, flushIntervalMs: 0 });
    const base = { quality: 4, latencyMs: 700, costUsd: 0.002, errorRate: 0.02 };
    simulateUnits(store, seededRandom(5), {
      flagKey: 'system-prompt',
      units: 3_000,
      shares: { helpful: 0.33, concise: 0.33, expert: 0.34 },
      behaviour: { helpful: base, concise: { ...base, quality: 3.7, latencyMs: 500, costUsd: 0.0012 }, expert: { ...base, quality: 4.1, costUsd: 0.0023 } },
      at: Date.now() - 3_600_000,
      unitPrefix: 'u',
    });
    await store.close();
    // Some history for the rollout chart.
    const state = new FileStateStore(stateDir);
    await state.start();
    await state.setFlagOverride('system-prompt', { percentage: 10 }, { actor: 'test', reason: 'first step' });
    await state.setFlagOverride('system-prompt', { percentage: 25 }, { actor: 'test', reason: 'second step' });
    await state.close();

    htmlPath = join(dir, 'report.html');
    const r = await runCli(['--flags', flagsPath, 'report', 'system-prompt', '--json', '--html', htmlPath]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    json = JSON.parse(r.stdout);
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('is self-contained: no scripts, no external resources', async () => {
    const html = await readFile(htmlPath, 'utf8');
    expect(html).not.toMatch(/<script|<link |src="http|href="http/);
  });

  it('renders, and shows the same verdict, deltas, intervals, sample sizes and SRM as --json', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const requests: string[] = [];
    page.on('request', (req) => requests.push(req.url()));
    await page.goto(pathToFileURL(htmlPath).href);
    expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);

    expect(await page.getAttribute('[data-testid=verdict]', 'data-decision')).toBe(json.verdict.decision);
    const shownReasons = await page.locator('[data-testid=verdict] li').allTextContents();
    expect(shownReasons).toEqual(json.verdict.reasons);

    expect(json.report.treatments.length).toBe(2);
    for (const t of json.report.treatments) {
      for (const metric of ['quality', 'latencyP95', 'cost', 'errorRate']) {
        const d = t[metric] as Delta | undefined;
        const row = page.locator(`[data-treatment="${t.variant}"] tr[data-metric="${metric}"]`);
        if (!d) {
          await expect(row.textContent()).resolves.toContain('not enough data');
          continue;
        }
        expect(Number(await row.getAttribute('data-diff'))).toBe(d.diff);
        expect(Number(await row.getAttribute('data-ci-low'))).toBe(d.ci[0]);
        expect(Number(await row.getAttribute('data-ci-high'))).toBe(d.ci[1]);
        expect(Number(await row.getAttribute('data-p'))).toBe(d.p);
        // The picture: a bar from the interval's low to high end, a point between them.
        const svg = row.locator('svg.forest');
        expect(await svg.isVisible()).toBe(true);
        const [x1, x2, cx] = await Promise.all([
          svg.locator('line.bar').getAttribute('x1'),
          svg.locator('line.bar').getAttribute('x2'),
          svg.locator('circle.point').getAttribute('cx'),
        ]);
        expect(Number(x1)).toBeLessThanOrEqual(Number(cx));
        expect(Number(cx)).toBeLessThanOrEqual(Number(x2));
      }
    }
    // The text a person reads carries the same figures as the attributes.
    const quality = json.report.treatments.find((t) => t.variant === 'concise')!.quality as Delta;
    const qualityText = await page.locator('[data-treatment="concise"] tr[data-metric="quality"]').textContent();
    expect(qualityText).toContain(`−${Math.abs(quality.diff).toFixed(3)}`);

    for (const v of json.report.variants) {
      expect(await page.locator(`tr[data-variant="${v.variant}"] [data-field=units]`).textContent()).toBe(String(v.size.units));
    }
    // Each arm's own verdict, and the winner marked, as --json has them.
    for (const t of json.verdict.treatments) {
      expect(await page.locator(`tr[data-variant="${t.variant}"] [data-field=arm]`).textContent()).toBe(t.decision);
    }
    const winners = await page.locator('tr.winner').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-variant')));
    expect(winners).toEqual(json.verdict.winner ? [json.verdict.winner.variant] : []);
    expect(json.verdict.winner?.variant).toBe('expert'); // seeded: expert +0.1 quality at +15 % cost, concise dropped
    expect(await page.getAttribute('[data-testid=srm]', 'data-mismatch')).toBe(String(json.report.srm.mismatch));
    expect(Number(await page.getAttribute('[data-testid=srm]', 'data-p'))).toBe(json.report.srm.p);

    const history = await page.locator('[data-testid=history] ol li').allTextContents();
    expect(history).toHaveLength(2);
    expect(history[1]).toContain('→ 25 %');
    expect(await page.locator('[data-testid=history] svg.steps path').isVisible()).toBe(true);

    await page.screenshot({ path: join(dir, 'report.png'), fullPage: true });
    await page.close();
  });
});
