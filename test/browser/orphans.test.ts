import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { chromiumMissing, launchBrowser, SCREENSHOTS } from '../helpers/browser.js';
import { ADMIN_KEY, startTestServer, type TestServer } from '../helpers/test-server.js';

// The Orphan visits page: visits no link answered, counted by type, listed as text (a path and a
// referrer an attacker chose included), and narrowed to one type.

const HOSTILE_PATH = '/wp-admin/<img src=x onerror="document.title=\'pwned\'">';
const HOSTILE_REFERRER = 'https://evil.example/<script>document.title="pwned"</script>';

describe('the Orphan visits page in Chromium', { skip: chromiumMissing }, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;

  before(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  const visit = async (path: string, referer?: string) => {
    const res = await fetch(`${server.url}${path}`, { redirect: 'manual', headers: referer ? { referer } : {} });
    await res.arrayBuffer();
  };

  it('counts orphan visits by type and lists them as text, of one type on request', async () => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await visit('/');
    await visit('/nope');
    await visit('/gone-too');
    await visit(encodeURI(HOSTILE_PATH), HOSTILE_REFERRER);
    // Recorded after each answer: wait until the API has all four.
    for (let i = 0; i < 50; i++) {
      const { items } = await (await server.api('/api/orphan-visits/clicks?limit=10')).json() as { items: unknown[] };
      if (items.length === 4) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    await page.goto(`${server.url}/dashboard`);
    await page.fill('input[name=key]', ADMIN_KEY);
    await page.click('form[aria-label="Sign in"] button[type=submit]');
    await page.click('header a:has-text("Orphan visits")');
    await page.waitForSelector('[data-testid=orphan-totals]');
    assert.equal(new URL(page.url()).pathname, '/dashboard/orphans');
    assert.match(await page.locator('[data-testid=orphan-totals]').textContent() ?? '', /^4 visits/);
    assert.equal((await page.locator('[data-testid=orphan-type-invalid_code]').textContent())?.trim(), 'Unknown codes (2)');
    assert.equal((await page.locator('[data-testid=orphan-type-base_url]').textContent())?.trim(), 'Base URL (1)');
    assert.equal((await page.locator('[data-testid=orphan-type-regular_404]').textContent())?.trim(), 'Other 404s (1)');

    const rows = page.locator('section[aria-label="Latest orphan visits"] tbody tr');
    assert.equal(await rows.count(), 4);
    const hostile = rows.filter({ hasText: 'Other 404s' });
    assert.equal(await hostile.locator('td[data-label=Path]').textContent(), encodeURI(HOSTILE_PATH)); // as requested
    assert.equal(await hostile.locator('td[data-label=Referrer]').textContent(), 'evil.example');
    assert.equal(await page.locator('main img, main script').count(), 0, 'what visitors sent is text');
    await page.screenshot({ path: `${SCREENSHOTS}orphans.png`, fullPage: true });

    await page.click('[data-testid=orphan-type-invalid_code]');
    // The report and the list of one type arrive together (the page shows both from one answer).
    await page.locator('[data-testid=orphan-totals]', { hasText: /^2 visits/ }).waitFor();
    assert.deepEqual((await rows.locator('td[data-label=Path]').allTextContents()).sort(), ['/gone-too', '/nope']);
    assert.notEqual(await page.title(), 'pwned');
    assert.deepEqual(errors, []);
  });
});
