import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { replayCliArgs, REPLAY_FLAGS_YAML } from '@aiflags/testing';
import { describe, expect, it } from 'vitest';
import { runCli } from './cli-ai-run.js';

const HOSTILE = '<script>alert(1)</script>';

/** 30 cases through two models; the large one loses 1.5 on every fifth case (q0 carries hostile text), wins 0.5 on the rest. */
function project() {
  const dir = mkdtempSync(join(tmpdir(), 'aiflags-replay-html-'));
  writeFileSync(join(dir, 'flags.yaml'), REPLAY_FLAGS_YAML);
  const cases = Array.from({ length: 30 }, (_, i) =>
    JSON.stringify({ id: `q${i}`, input: i === 0 ? `${HOSTILE} question 0` : `question ${i}`, reference: `answer ${i}` }),
  );
  writeFileSync(join(dir, 'cases.jsonl'), `${cases.join('\n')}\n`);
  writeFileSync(
    join(dir, 'eval.mjs'),
    `export async function run(variant, c) {
  const i = Number(c.id.slice(1));
  const large = variant.value.model === 'large';
  return { output: variant.value.model + ' says: ' + c.input, costUsd: 0.001, latencyMs: 500, scores: { quality: 3 + (i % 5) * 0.2 + (large ? (i % 5 === 0 ? -1.5 : 0.5) : 0) } };
}
`,
  );
  return dir;
}

describe('aiflags replay --html', () => {
  it('writes the HTML report beside the text report and says where; with --json, stdout stays JSON only', async () => {
    const dir = project();
    const htmlPath = join(dir, 'replay.html');
    const args = replayCliArgs(dir);
    const text = await runCli([...args, '--html', htmlPath]);
    expect(text.stderr).toBe('');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('treatment vs control:');
    expect(text.stdout.trimEnd().split('\n').at(-1)).toBe(`HTML report: ${htmlPath}`);

    const html = readFileSync(htmlPath, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('Replay report: <code>chat-model</code>');
    expect(html).not.toContain(HOSTILE);
    expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62; question 0');
    expect(html).toContain('data-case-id="q0"');

    const jsonPath = join(dir, 'again.html');
    const json = await runCli([...args, '--json', '--html', jsonPath]);
    expect(json.code).toBe(0);
    const { report } = JSON.parse(json.stdout) as {
      report: {
        flagVersion: string;
        treatments: Array<{ decision: string; worst: Array<{ caseId: string }>; metrics: Array<{ metric: string; paired: { diff: number } }> }>;
      };
    };
    expect(json.stdout).not.toContain('HTML report:');
    const again = readFileSync(jsonPath, 'utf8');
    const t = report.treatments[0]!;
    expect(again).toContain(`data-decision="${t.decision}"`);
    expect(again).toContain(`<code data-field="flag-version">${report.flagVersion}</code>`);
    expect(again).toContain(`data-metric="quality" data-diff="${t.metrics[0]!.paired.diff}"`);
    const worstIds = [...(again.match(/data-testid="worst">[\s\S]*?<\/ol>/)?.[0] ?? '').matchAll(/data-case-id="([^"]+)"/g)].map((m) => m[1]);
    expect(worstIds).toEqual(t.worst.map((c) => c.caseId));
    expect(worstIds).toHaveLength(5);
  });

  it('names the file it cannot write (exit 1)', async () => {
    const dir = project();
    const r = await runCli(replayCliArgs(dir, 'eval.mjs', '--html', join(dir, 'no-such-dir', 'r.html')));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`--html ${join(dir, 'no-such-dir', 'r.html')}: cannot write the report (ENOENT`);
  });
});
