import { analyzeReplay, type ReplayCase, type ReplayResult } from '@aiflags/ai';
import { describe, expect, it } from 'vitest';
import { renderReplayHtmlReport } from '../src/html-report/render-replay-html-report.js';

const HOSTILE = `<script>alert("x")</script><img src=x onerror='alert(1)'>`;
const LONG = 'very long answer '.repeat(500); // 8500 characters
/** How text reads in the page's source: the five HTML-significant characters as numeric references. */
const inHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** 40 cases; the treatment is better by 0.5 on four in five and worse by 1.5 on the fifth; case q0 carries hostile text. */
function replay(treatmentShift = 0) {
  const cases: ReplayCase[] = Array.from({ length: 40 }, (_, i) => ({
    id: `q${i}`,
    input: i === 0 ? `${HOSTILE} question 0` : `question ${i}`,
    reference: i === 0 ? { answer: `"quoted" & <b>bold</b>` } : undefined,
  }));
  const results: ReplayResult[] = cases.flatMap((c, i) => {
    const base = 3 + (i % 5) * 0.2;
    const row = (variant: string, quality: number, output: unknown): ReplayResult => ({
      flagKey: 'chat-model',
      flagVersion: 'v1abc',
      caseId: c.id,
      variant,
      ok: true,
      output,
      latencyMs: 800 + i,
      costUsd: 0.001,
      scores: { quality },
      at: '2026-12-03T00:00:00.000Z',
    });
    return [
      row('control', base, `small: ${c.input as string}`),
      row('treatment', base + (i % 5 === 0 ? -1.5 : 0.5) + treatmentShift, i === 0 ? `${LONG}\u202Eevil\u0007` : `large: ${c.input as string}`),
    ];
  });
  return analyzeReplay(results, { control: 'control', cases });
}

describe('the replay HTML report', () => {
  const report = replay();
  const html = renderReplayHtmlReport(report, { generatedAt: '2026-12-03T12:00:00.000Z' });

  it('escapes every user string: no tag or attribute from an input, reference or output reaches the page', () => {
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>bold</b>');
    expect(html).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;');
    expect(html).toContain('&#60;img src=x onerror=&#39;alert(1)&#39;&#62;');
    // Bidi overrides and bell are shown as escapes, not applied.
    expect(html).not.toContain('\u202E');
    expect(html).not.toContain('\u0007');
  });

  it('cuts a very long output and says how long it was', () => {
    const t = report.treatments[0]!;
    const q0 = t.worst.find((c) => c.caseId === 'q0')!;
    expect(typeof q0.treatment.output === 'string' && q0.treatment.output.length).toBe(LONG.length + 6);
    expect(html).toContain(`${LONG.length + 6} characters, the first 2000 shown`);
    expect(html).not.toContain(LONG.slice(0, 2100));
    const short = renderReplayHtmlReport(report, { generatedAt: 'now', maxTextChars: 50 });
    expect(short).toContain(`${LONG.length + 6} characters, the first 50 shown`);
  });

  it('lists the worst cases (the 8 losses, 5 shown, worst first) with input, reference, both outputs and scores', () => {
    const worst = [...html.matchAll(/<ol class="cases" data-testid="worst">([\s\S]*?)<\/ol>/g)][0]![1]!;
    const ids = [...worst.matchAll(/data-case-id="([^"]+)"/g)].map((m) => m[1]);
    expect(ids).toEqual(report.treatments[0]!.worst.map((c) => c.caseId));
    expect(ids).toHaveLength(5);
    for (const id of ids) expect(Number(id!.slice(1)) % 5).toBe(0);
    expect(worst).toContain('question 5');
    expect(worst).toContain('data-field="reference"');
    expect(worst).toContain(inHtml(JSON.stringify({ answer: `"quoted" & <b>bold</b>` }, null, 2)));
    expect(worst).toContain('small: question 5');
    expect(worst).toContain('quality 3 → 1.5 (<span class="worse">−1.5</span>)');
    const best = [...html.matchAll(/<ol class="cases" data-testid="best">([\s\S]*?)<\/ol>/g)][0]![1]!;
    expect(best).toContain('large: question');
  });

  it("gives each treatment's verdict and reasons in the gate's words, with intervals, p-values and win/tie/loss", () => {
    const t = report.treatments[0]!;
    expect(t.decision).toBe('promote');
    expect(html).toContain('data-decision="promote"');
    expect(t.reasons).toEqual(["no metric is worse on 40 paired cases, and latency and cost are within the gate's budgets"]);
    expect(html).toContain(`<li>${inHtml(t.reasons[0]!)}</li>`);
    expect(html).toContain('Flag version <code data-field="flag-version">v1abc</code>');
    const quality = t.metrics[0]!;
    expect(html).toContain(`data-metric="quality" data-diff="${quality.paired.diff}" data-ci-low="${quality.paired.ci[0]}"`);
    expect(html).toContain('data-wins="32" data-ties="0" data-losses="8"');
    // +0.1 on average with an interval across zero: grey, not green.
    expect(quality.paired.ci[0]).toBeLessThan(0);
    expect(quality.paired.ci[1]).toBeGreaterThan(0);
    expect(html).toMatch(/data-metric="quality"[^>]*>(?:(?!<\/tr>)[\s\S])*<svg class="forest neutral"/);
    expect(html).toContain('<td class="num neutral">+0.1<br><span class="ci">95 % CI −0.159 to 0.359</span></td>');
    expect(html).toMatch(/data-metric="latencyMs"[^>]*>(?:(?!<\/tr>)[\s\S])*lower is better/);
  });

  it('says "no interval" for a single paired case instead of drawing at NaN', () => {
    const one = analyzeReplay(
      ['control', 'treatment'].map((variant, i) => ({
        flagKey: 'f',
        flagVersion: 'v',
        caseId: 'only',
        variant,
        ok: true,
        output: 'o',
        latencyMs: 10,
        scores: { quality: i },
        at: '2026-12-03T00:00:00.000Z',
      })),
      { control: 'control' },
    );
    const page = renderReplayHtmlReport(one, { generatedAt: 'now' });
    expect(page).not.toMatch(/(x1|x2|cx)="NaN"/);
    expect(page).toContain('no interval from 1 case</span>');
    expect(page).toContain('<span class="muted no-interval">no interval</span>');
  });

  it('shows a rollback in red with the reason naming the metric', () => {
    const bad = replay(-1);
    const page = renderReplayHtmlReport(bad, { generatedAt: 'now' });
    expect(page).toContain('class="verdict rollback"');
    const reason = bad.treatments[0]!.reasons[0]!;
    expect(reason).toBe('quality is worse on the same cases: −0.9 (paired t p < 0.001, signed-rank p < 0.001, 40 losses)');
    expect(page).toContain(`<li>${inHtml(reason)}</li>`);
    expect(page).toMatch(/data-metric="quality"[^>]*>(?:(?!<\/tr>)[\s\S])*<svg class="forest worse"/);
  });
});
