/**
 * The real @openfeature/ofrep-web-provider, in headless Chromium, against `aiflags serve` (its own process):
 * for a sample of users and every flag, the same values, variants, reasons and metadata as the LocalProvider
 * in Node on the same flag file. The page is served from the server's origin (aiflags serve sends no CORS
 * headers), as an app behind the same host would be.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EvaluationDetails, type FlagValue, type JsonValue, OpenFeature } from '@openfeature/server-sdk';
import { evaluate, flagTypeOf, parseFlags } from '@aiflags/core';
import { LocalProvider } from '@aiflags/provider';
import { bundleForBrowser, haveBrowser, launchChromium, requireBrowserOrWarn } from './support/chromium.js';
import type { WebFlagType, WebParityInput, WebParityOutput } from './support/ofrep-web-page.js';
import { parityUser } from './support/parity-users.js';
import { SAMPLE_FLAGS_YAML } from './support/sample-flags.js';
import { type ServeProcess, startServeProcess } from './support/serve-process.js';

requireBrowserOrWarn('the OFREP web provider parity test');

/** Every tenth of the 2,000 parity users: staff and not, every age band, three with no targeting key. */
const USERS = Array.from({ length: 200 }, (_, k) => k * 10);
const DEFAULTS: WebParityInput['defaults'] = { boolean: false, string: 'code-default', number: -1, object: { codeDefault: true } };
const EXAMPLE_FLAGS = join(import.meta.dirname, '..', 'examples', 'chat-service', 'flags.yaml');

/** What an app sees, minus what OFREP cannot carry on an error (flag metadata is dropped by the client). */
function seen(d: EvaluationDetails<FlagValue>): object {
  if (d.errorCode !== undefined) return { value: d.value, reason: d.reason, errorCode: d.errorCode };
  return { value: d.value, variant: d.variant, reason: d.reason, flagMetadata: d.flagMetadata };
}

describe.skipIf(!haveBrowser)('the OFREP web provider in Chromium gives what the LocalProvider gives', () => {
  let browser: Browser | undefined;
  let bundle: string;

  beforeAll(async () => {
    bundle = await bundleForBrowser({ entryPoints: [join(import.meta.dirname, 'support', 'ofrep-web-page.ts')] });
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('bundles for the browser without Node built-ins', () => {
    expect(bundle).not.toMatch(/require\(["']node:|from ["']node:/);
  });

  describe.each([
    ['the CLI sample flags (every flag type, a segment rule, a kill switch)', () => Promise.resolve(SAMPLE_FLAGS_YAML)],
    ['the chat-service example flags', () => readFile(EXAMPLE_FLAGS, 'utf8')],
  ])('%s', (_name, flagsText) => {
    let serve: ServeProcess | undefined;
    let file: string;
    const domain = `web-parity-${Math.random()}`;

    beforeAll(async () => {
      const dir = await mkdtemp(join(tmpdir(), 'aiflags-web-parity-'));
      file = join(dir, 'flags.yaml');
      await writeFile(file, (await flagsText()).replace(/^\$schema:.*$/m, ''));
      serve = await startServeProcess(['--flags', file]);
      await OpenFeature.setProviderAndWait(domain, new LocalProvider({ file, watch: false }));
    });

    afterAll(async () => {
      await OpenFeature.clearProviders();
      await serve?.stop();
    });

    it(`${USERS.length} users x every flag: 0 mismatches`, async () => {
      const set = parseFlags(await readFile(file, 'utf8'), file);
      const keys = [...set.flags.keys(), ...set.killSwitches.keys()];
      const flags = keys.map((key) => ({ key, type: flagTypeOf(set, key) as WebFlagType }));
      const contexts = USERS.map(parityUser);
      const page = await browser!.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (e) => pageErrors.push(e.message));
      const appUrl = `${serve!.url}/web-parity-app`;
      await page.route(appUrl, (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>web parity</title>' }));
      await page.goto(appUrl);
      await page.addScriptTag({ content: bundle });
      const input: WebParityInput = { baseUrl: serve!.url, contexts, flags, defaults: DEFAULTS };
      const inBrowser = (await page.evaluate(`globalThis.ofrepWebParity(${JSON.stringify(input)})`)) as WebParityOutput;
      await page.close();
      expect(pageErrors).toEqual([]);

      const local = OpenFeature.getClient(domain);
      const mismatches: string[] = [];
      let compared = 0;
      let errors = 0;
      for (const [u, ctx] of contexts.entries()) {
        for (const [f, { key, type }] of flags.entries()) {
          if (evaluate(set, key, ctx).value === undefined && evaluate(set, key, ctx).errorCode === undefined) continue;
          const inNode = await resolveLocally(local, key, type, ctx);
          compared++;
          if (inNode.errorCode !== undefined) errors++;
          const a = seen(inBrowser[u]![f]!);
          const b = seen(inNode);
          if (JSON.stringify(a) !== JSON.stringify(b)) mismatches.push(`${key} user ${USERS[u]}: web ${JSON.stringify(a)} local ${JSON.stringify(b)}`);
        }
      }
      console.log(`OFREP web provider in Chromium: ${compared} evaluations compared (${errors} errors among them), ${mismatches.length} mismatches`);
      expect(mismatches.slice(0, 5)).toEqual([]);
      expect(errors).toBeGreaterThan(0);
      expect(compared - errors).toBeGreaterThan(USERS.length * keys.length * 0.9);
      // More than one variant per flag with a split or rollout, so agreeing means something.
      const variants = new Set(inBrowser.flatMap((row) => row.map((d, f) => `${flags[f]!.key}/${d.variant}`)));
      expect(variants.size).toBeGreaterThan(keys.length);
    }, 120_000);
  });
});

function resolveLocally(client: ReturnType<typeof OpenFeature.getClient>, key: string, type: WebFlagType, ctx: Record<string, string | number>) {
  if (type === 'boolean') return client.getBooleanDetails(key, DEFAULTS.boolean as boolean, ctx);
  if (type === 'string') return client.getStringDetails(key, DEFAULTS.string as string, ctx);
  if (type === 'number') return client.getNumberDetails(key, DEFAULTS.number as number, ctx);
  return client.getObjectDetails(key, DEFAULTS.object as JsonValue, ctx);
}
