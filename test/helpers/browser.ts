import { existsSync, mkdirSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.LINKPULSE_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOTS = new URL('../../test-results/screenshots/', import.meta.url).pathname;

/** Why the browser tests skip here, or undefined; CI (LINKPULSE_REQUIRE_BROWSER) never skips them. */
export const chromiumMissing = !existsSync(CHROMIUM) && !process.env.LINKPULSE_REQUIRE_BROWSER
  ? `no Chromium at ${CHROMIUM}: apt-get install chromium (CI does) to run the browser tests`
  : undefined;

/** Debian's Chromium, headless, with the flags this sandboxed machine needs. */
export async function launchBrowser(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
