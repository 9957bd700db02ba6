/**
 * A kill switch flipped in the console of `aiflags serve` (its own process) by a person in Chromium: signed
 * in with a write token, reason typed, Kill clicked. Within 1 s the OFREP server provider in this process
 * and a Node app process (createProvider() on the same flag file and .aiflags state) both answer killed.
 */
import { rmSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OFREPProvider } from '@openfeature/ofrep-provider';
import { type Client, OpenFeature } from '@openfeature/server-sdk';
import { haveBrowser, launchChromium, requireBrowserOrWarn } from './support/chromium.js';
import { DENIED, flagsFile } from './support/delivery-fixtures.js';
import { type FlagApp, startApps } from './support/flag-app-fleet.js';
import { type ServeProcess, startServeProcess } from './support/serve-process.js';

requireBrowserOrWarn('the console kill-switch test');

const DEADLINE_MS = 1000;
const SWITCH = 'ai_agent_enabled';

/** ms from `since` until `killed()` first holds (polled back to back), or Infinity past 5 s. */
async function msUntil(since: number, killed: () => Promise<boolean>): Promise<number> {
  while (performance.now() - since < 5000) {
    if (await killed()) return performance.now() - since;
    await new Promise((r) => setTimeout(r, 2));
  }
  return Number.POSITIVE_INFINITY;
}

describe.skipIf(!haveBrowser)('a kill switch clicked in the console reaches an OFREP client and a Node app', () => {
  const { dir, file } = flagsFile();
  let browser: Browser | undefined;
  let serve: ServeProcess | undefined;
  let app: FlagApp | undefined;
  let ofrep: Client;
  const ctx = { targetingKey: 'user-1' };

  beforeAll(async () => {
    [serve, [app], browser] = await Promise.all([
      startServeProcess(['--flags', file], { AIFLAGS_SERVE_TOKEN: 'reader:r-secret', AIFLAGS_SERVE_WRITE_TOKEN: 'alice:w-secret' }),
      startApps(1, { AIFLAGS_FLAGS: file, REDIS_URL: '', HEARTBEAT_MS: '300' }, 'console-app'),
      launchChromium(),
    ]);
    await OpenFeature.setProviderAndWait('console-kill', new OFREPProvider({ baseUrl: serve.url, headers: { Authorization: 'Bearer r-secret' } }));
    ofrep = OpenFeature.getClient('console-kill');
  }, 180_000);

  afterAll(async () => {
    await OpenFeature.clearProviders();
    await browser?.close();
    await app?.stop();
    await serve?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`signed in with a write token, reason typed, Kill clicked: both answer killed within ${DEADLINE_MS} ms, and live again after Revive`, async () => {
    expect(await ofrep.getBooleanDetails(SWITCH, false, ctx)).toMatchObject({ value: true, variant: 'on' });
    expect(await app!.guard(SWITCH)).toBeNull();

    const page = await browser!.newPage();
    await page.goto(`${serve!.url}/`);
    await page.getByLabel('Token').fill('w-secret');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const form = page.locator(`form[action="/kill-switches/${SWITCH}/kill"]`);
    await form.getByLabel('reason').fill('console drill: the agent loops');

    const clickedAt = performance.now();
    await form.getByRole('button', { name: 'Kill' }).click();
    const [ofrepMs, appMs] = await Promise.all([
      msUntil(clickedAt, async () => (await ofrep.getBooleanDetails(SWITCH, true, ctx)).value === false),
      msUntil(clickedAt, async () => JSON.stringify(await app!.guard(SWITCH)) === JSON.stringify(DENIED)),
    ]);
    console.log(`console kill reached the OFREP client in ${ofrepMs.toFixed(1)} ms and the Node app in ${appMs.toFixed(1)} ms (goal < ${DEADLINE_MS} ms)`);

    await expect.poll(() => page.locator('h1').textContent(), { timeout: 5000 }).toBe('Killed');
    const answer = (await page.textContent('body')) ?? '';
    expect(answer).toContain(`killed '${SWITCH}' by alice: console drill: the agent loops`);
    // The two instances reading the store: the server itself and the app.
    expect(answer).toContain('Applied by 2 of 2 instances');
    expect(await ofrep.getBooleanDetails(SWITCH, true, ctx)).toMatchObject({ value: false, variant: 'killed', reason: 'DISABLED' });
    expect(ofrepMs).toBeLessThan(DEADLINE_MS);
    expect(appMs).toBeLessThan(DEADLINE_MS);

    await page.getByRole('link', { name: 'Back to the console' }).click();
    const revive = page.locator(`form[action="/kill-switches/${SWITCH}/revive"]`);
    await revive.getByLabel('reason').fill('drill over');
    const revivedAt = performance.now();
    await revive.getByRole('button', { name: 'Revive' }).click();
    const [ofrepBackMs, appBackMs] = await Promise.all([
      msUntil(revivedAt, async () => (await ofrep.getBooleanDetails(SWITCH, false, ctx)).value === true),
      msUntil(revivedAt, async () => (await app!.guard(SWITCH)) === null),
    ]);
    console.log(`console revive reached the OFREP client in ${ofrepBackMs.toFixed(1)} ms and the Node app in ${appBackMs.toFixed(1)} ms`);
    await expect.poll(() => page.locator('h1').textContent(), { timeout: 5000 }).toBe('Revived');
    expect(ofrepBackMs).toBeLessThan(DEADLINE_MS);
    expect(appBackMs).toBeLessThan(DEADLINE_MS);
  }, 60_000);
});
