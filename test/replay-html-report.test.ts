/**
 * `aiflags replay <flag> --html <file>` in a real headless browser (Debian's chromium driven by
 * playwright-core): the page renders without errors, its intervals and win/tie/loss bars are the numbers
 * `--json` gives, the worst case's input is on screen, and hostile text from a case stays text.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayCliArgs } from '@aiflags/testing';
import { haveBrowser, launchChromium, requireBrowserOrWarn } from './support/chromium.js';
import { runCli } from './support/run-cli.js';

requireBrowserOrWarn('the browser test of aiflags replay --html');

const FLAGS = `
flags:
  chat-model:
    variants: { small: { model: small }, large: { model: large } }
    defaultVariant: small
`;

/** Would set a global if any of it ran as markup instead of showing as text. */
const HOSTILE = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>"'&`;

interface Comparison {
  metric: string;
  paired: { diff: number; ci: [number, number]; p: number };
  signedRank: { p: number };
  winTieLoss: { wins: number; ties: number; losses: number };
}

describe.skipIf(!haveBrowser)('aiflags replay --html', () => {
  let dir: string;
  let browser: Browser;
  let htmlPath: string;
  let report: {
    treatments: Array<{
      variant: string;
      decision: string;
      reasons: string[];
      metrics: Comparison[];
      latency?: Comparison;
      cost?: Comparison;
      worst: Array<{ caseId: string; input: string }>;
    }>;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aiflags-replay-html-'));
    await writeFile(join(dir, 'flags.yaml'), FLAGS);
    // 40 cases; the large model wins 0.5 on four in five and loses 1.5 on the fifth. Case q0 is hostile.
    const cases = Array.from({ length: 40 }, (_, i) => JSON.stringify({ id: `q${i}`, input: i === 0 ? `${HOSTILE} first question` : `question number ${i}` }));
    await writeFile(join(dir, 'cases.jsonl'), `${cases.join('\n')}\n`);
    await writeFile(
      join(dir, 'eval.mjs'),
      `export async function run(variant, c) {
  const i = Number(c.id.slice(1));
  const large = variant.value.model === 'large';
  const output = (large ? 'a long careful answer. '.repeat(i === 0 ? 400 : 2) : 'short answer') + ' to ' + c.input;
  return { output, costUsd: large ? 0.0011 : 0.001, latencyMs: 600 + (i % 7) * 10 + (large ? 40 : 0), scores: { quality: 3 + (i % 5) * 0.2 + (large ? (i % 5 === 0 ? -1.5 : 0.5) : 0) } };
}
`,
    );
    htmlPath = join(dir, 'replay.html');
    const r = await runCli(replayCliArgs(dir, 'eval.mjs', '--json', '--html', htmlPath));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    report = JSON.parse(r.stdout).report;
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('is self-contained: no scripts, no external resources', async () => {
    const html = await readFile(htmlPath, 'utf8');
    expect(html).not.toMatch(/<script|<img|<link |src="http|href="http/);
  });

  it('renders without console errors, with the intervals, p-values, win/tie/loss and worst cases of --json', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    const requests: string[] = [];
    page.on('request', (req) => requests.push(req.url()));
    await page.goto(pathToFileURL(htmlPath).href);
    expect(requests).toEqual([pathToFileURL(htmlPath).href]);
    expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();

    expect(report.treatments).toHaveLength(1);
    const t = report.treatments[0]!;
    const section = page.locator(`[data-treatment="${t.variant}"]`);
    expect(await section.locator('[data-testid=verdict]').getAttribute('data-decision')).toBe(t.decision);
    expect(await section.locator('[data-testid=verdict] li').allTextContents()).toEqual(t.reasons);

    const comparisons = [...t.metrics, ...(t.latency ? [t.latency] : []), ...(t.cost ? [t.cost] : [])];
    expect(comparisons.map((m) => m.metric)).toEqual(['quality', 'latencyMs', 'costUsd']);
    for (const m of comparisons) {
      const row = section.locator(`tr[data-metric="${m.metric}"]`);
      expect(Number(await row.getAttribute('data-diff'))).toBe(m.paired.diff);
      expect(Number(await row.getAttribute('data-ci-low'))).toBe(m.paired.ci[0]);
      expect(Number(await row.getAttribute('data-ci-high'))).toBe(m.paired.ci[1]);
      expect(Number(await row.getAttribute('data-p'))).toBe(m.paired.p);
      expect(Number(await row.getAttribute('data-signed-rank-p'))).toBe(m.signedRank.p);
      // The interval picture: drawn, a bar from low to high with the point between, and the zero line.
      const svg = row.locator('svg.forest');
      expect(await svg.isVisible()).toBe(true);
      const box = await svg.boundingBox();
      expect(box!.width).toBeGreaterThan(200);
      const [x1, x2, cx] = (
        await Promise.all([
          svg.locator('line.bar').getAttribute('x1'),
          svg.locator('line.bar').getAttribute('x2'),
          svg.locator('circle.point').getAttribute('cx'),
        ])
      ).map(Number);
      expect(x1!).toBeLessThanOrEqual(cx!);
      expect(cx!).toBeLessThanOrEqual(x2!);
      expect(await svg.locator('line.zero').count()).toBe(1);
      // The stacked bar: segment widths in proportion to the counts.
      const { wins, ties, losses } = m.winTieLoss;
      const widths = await row.locator('svg.wtl rect').evaluateAll((rects) => rects.map((r) => r.getBoundingClientRect().width));
      const total = wins + ties + losses;
      expect(widths.map((w) => Math.round((w / 120) * total))).toEqual([wins, ties, losses]);
    }
    // Quality: 32 wins, 8 losses, the point above zero (right of the zero line).
    const quality = section.locator('tr[data-metric="quality"]');
    expect(await quality.locator('span.wtl .counts').textContent()).toBe('32 / 0 / 8');
    const zeroX = Number(await quality.locator('svg.forest line.zero').getAttribute('x1'));
    expect(Number(await quality.locator('svg.forest circle.point').getAttribute('cx'))).toBeGreaterThan(zeroX);

    // The worst cases, worst first, with the hostile input shown as the text it is.
    const worst = section.locator('[data-testid=worst] li.case');
    expect(await worst.evaluateAll((li) => li.map((x) => x.getAttribute('data-case-id')))).toEqual(t.worst.map((c) => c.caseId));
    const q0 = section.locator('[data-testid=worst] li.case[data-case-id="q0"]');
    const input = q0.locator('[data-field=input] pre');
    expect(await input.isVisible()).toBe(true);
    expect(await input.textContent()).toBe(`${HOSTILE} first question`);
    const hostileInput = t.worst.find((c) => c.caseId === 'q0')!.input;
    expect(hostileInput).toBe(`${HOSTILE} first question`);
    // The long output is cut, with its full length noted, and stays inside its box.
    const output = q0.locator('[data-field=treatment-output]');
    expect(await output.locator('.cut').textContent()).toMatch(/^\d+ characters, the first 2000 shown$/);
    const outBox = await output.locator('pre').boundingBox();
    expect(outBox!.width).toBeLessThan(1100);
    expect(await page.locator('[data-testid=worst] li.case[data-case-id="q5"] [data-field=input] pre').textContent()).toBe('question number 5');

    expect(problems).toEqual([]);
    await page.screenshot({ path: join(dir, 'replay.png'), fullPage: true });
    await page.close();
  });
});
