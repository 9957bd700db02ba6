/** Debian's chromium for the browser tests, driven by playwright-core: where it is, and one way to launch it. */
import { existsSync } from 'node:fs';
import { type BuildOptions, build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const haveBrowser = existsSync(CHROMIUM);

/** Throws under CI=true when chromium is missing; otherwise prints one line saying what is skipped and how to enable it. */
export function requireBrowserOrWarn(what: string): void {
  if (!haveBrowser && process.env.CI === 'true') throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium package`);
  if (!haveBrowser)
    console.warn(
      `skipped: ${what}, because ${CHROMIUM} is missing; install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH; with CI=true it fails instead of skipping`,
    );
}

/** Headless, sandbox off (root in CI), and no background network traffic. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** One self-contained browser script (an IIFE) from `options` (entryPoints or stdin), as the pages load it. */
export async function bundleForBrowser(options: Pick<BuildOptions, 'entryPoints' | 'stdin' | 'conditions'>): Promise<string> {
  const result = await build({ ...options, bundle: true, platform: 'browser', format: 'iife', write: false, logLevel: 'silent' });
  return result.outputFiles[0]!.text;
}
