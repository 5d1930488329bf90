import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromiumMissing, launchBrowser } from '../helpers/browser.js';
import { ADMIN_KEY, startTestServer, type TestServer } from '../helpers/test-server.js';

// Over HTTP/1.1 a browser opens at most six connections to a host: a live stream per tab would leave
// a seventh tab loading forever. The tabs share one stream, and hand it over when its tab closes.

describe('seven dashboard tabs in Chromium', { skip: chromiumMissing }, () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  const tabs: Page[] = [];

  const visit = async () => {
    const res = await fetch(`${server.url}/launch`, { redirect: 'manual' });
    assert.equal(res.status, 302);
  };
  const allShow = (pages: Page[], clicks: number) =>
    Promise.all(pages.map((p) => p.locator('[data-testid=live-counter]', { hasText: new RegExp(`^${clicks}$`) }).waitFor()));

  before(async () => {
    server = await startTestServer();
    assert.equal((await server.api('/api/links', { method: 'POST', json: { url: 'https://example.com/launch', code: 'launch' } })).status, 201);
    browser = await launchBrowser();
    context = await browser.newContext();
    const first = await context.newPage();
    await first.goto(`${server.url}/dashboard`);
    await first.fill('input[name=key]', ADMIN_KEY);
    await first.click('form[aria-label="Sign in"] button[type=submit]');
    await first.waitForSelector('[data-testid=role]');
    await first.close();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('loads a seventh tab, and shows a new click live in all of them', async () => {
    for (let i = 0; i < 7; i++) {
      const page = await context.newPage();
      await page.goto(`${server.url}/dashboard/links/launch`);
      await page.waitForSelector('[data-testid=live-status]:has-text("live")');
      tabs.push(page);
    }
    await allShow(tabs, 0);
    await visit();
    await allShow(tabs, 1);
  });

  it('hands the stream over when the tab holding it closes', async () => {
    const holder = tabs.shift() as Page;
    await holder.close();
    await Promise.all(tabs.map((p) => p.waitForSelector('[data-testid=live-status]:has-text("live")')));
    await visit();
    await allShow(tabs, 2);
    // And a tab opened now still loads.
    const late = await context.newPage();
    await late.goto(`${server.url}/dashboard/links/launch`);
    await late.locator('[data-testid=live-counter]', { hasText: /^2$/ }).waitFor();
  });
});
