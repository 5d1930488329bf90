import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { chromiumMissing, launchBrowser, SCREENSHOTS } from '../helpers/browser.js';
import { ADMIN_KEY, startTestServer, type TestServer } from '../helpers/test-server.js';

// The overview's link list: a tag filter, a seven-day sparkline per link from one request,
// right-aligned numbers, relative dates with the exact time in a title, and two kinds of empty.

describe('the link list in Chromium', { skip: chromiumMissing }, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const sparklineRequests: string[] = [];
  const rows = () => page.locator('table.links tbody tr');

  before(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.on('request', (r) => {
      if (r.url().includes('/api/sparklines')) sparklineRequests.push(r.url());
    });
    await page.goto(`${server.url}/dashboard`);
    await page.fill('input[name=key]', ADMIN_KEY);
    await page.click('form[aria-label="Sign in"] button[type=submit]');
    await page.waitForSelector('[data-testid=role]');
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('says there are no links yet', async () => {
    await page.waitForSelector('[data-testid=links-empty]:has-text("No links yet.")');
  });

  it('shows each link with a sparkline from one request, right-aligned clicks and a relative date', async () => {
    for (const [code, tags] of [['alpha', ['spring']], ['beta', ['autumn']], ['gamma', ['spring', 'web']]] as const) {
      const res = await server.api('/api/links', { method: 'POST', json: { url: `https://example.com/${code}`, code, tags } });
      assert.equal(res.status, 201);
    }
    for (let i = 0; i < 2; i++) assert.equal((await fetch(`${server.url}/gamma`, { redirect: 'manual' })).status, 302);
    sparklineRequests.length = 0;
    await page.reload();
    await page.locator('table.links tbody tr svg.sparkline').nth(2).waitFor();
    assert.equal(await rows().count(), 3);
    assert.equal(sparklineRequests.length, 1, 'one request for every link of the page');
    const gamma = page.locator('tr', { has: page.locator('a', { hasText: /^gamma$/ }) });
    assert.match(await gamma.locator('svg.sparkline').getAttribute('aria-label') ?? '', /: 0, 0, 0, 0, 0, 0, 2$/);
    const clicks = page.locator('[data-testid=clicks-gamma]');
    assert.equal(await clicks.textContent(), '2');
    assert.equal(await page.evaluate('getComputedStyle(document.querySelector("[data-testid=clicks-gamma]")).textAlign'), 'right');
    const created = gamma.locator('time');
    assert.match(await created.textContent() ?? '', /now|sec|min/i);
    assert.ok((await created.getAttribute('title') ?? '').length > 10, 'the exact time in a title');

    // A live click moves the count and the sparkline's last day.
    await fetch(`${server.url}/gamma`, { redirect: 'manual' });
    await page.locator('[data-testid=clicks-gamma]', { hasText: /^3$/ }).waitFor();
    await gamma.locator('svg.sparkline[aria-label$=": 0, 0, 0, 0, 0, 0, 3"]').waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}link-list.png`, fullPage: true });
  });

  it('filters by tag, and says when no link matches', async () => {
    await page.fill('input[name=tag]', 'spring');
    await rows().nth(2).waitFor({ state: 'detached' });
    const codes = await rows().locator('td:first-child a').allTextContents();
    assert.deepEqual(codes.sort(), ['alpha', 'gamma']);
    await page.fill('input[name=tag]', 'winter');
    await page.waitForSelector('[data-testid=links-empty]:has-text("No link matches.")');
    assert.equal(await rows().count(), 0);
  });
});
