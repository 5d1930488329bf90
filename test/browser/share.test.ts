import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { chromiumMissing, launchBrowser, SCREENSHOTS } from '../helpers/browser.js';
import { ADMIN_KEY, freePort, startTestServer, type TestServer } from '../helpers/test-server.js';

// A share, end to end: an admin shares a link's report from its page; a browser with no cookie opens
// the URL and sees the report, live, without IPs or user agents; revoking ends it there at once.

const VISITOR_IP = '198.51.100.23';
const VISITOR_AGENT = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0.4242';

describe('a shared report in Chromium', { skip: chromiumMissing }, () => {
  let server: TestServer;
  let browser: Browser;
  let admin: Page;
  let shareUrl: string;

  const visit = async () => {
    const res = await fetch(`${server.url}/launch`, { redirect: 'manual', headers: { 'user-agent': VISITOR_AGENT, 'x-forwarded-for': VISITOR_IP } });
    assert.equal(res.status, 302);
  };

  before(async () => {
    const port = await freePort();
    server = await startTestServer({ port, env: { LINKPULSE_BASE_URL: `http://127.0.0.1:${port}`, LINKPULSE_TRUST_PROXY: 'loopback' } });
    assert.equal((await server.api('/api/links', { method: 'POST', json: { url: 'https://example.com/launch', code: 'launch' } })).status, 201);
    await visit();
    browser = await launchBrowser();
    admin = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('creates a share on the link page', async () => {
    await admin.goto(`${server.url}/dashboard`);
    await admin.fill('input[name=key]', ADMIN_KEY);
    await admin.click('form[aria-label="Sign in"] button[type=submit]');
    await admin.waitForSelector('[data-testid=role]');
    await admin.goto(`${server.url}/dashboard/links/launch`);
    await admin.waitForSelector('section[aria-label=Shares] >> text=Not shared yet.');
    await admin.click('form[aria-label="Create a share"] button[type=submit]');
    const link = admin.locator('[data-testid=share-url]');
    await link.waitFor();
    shareUrl = (await link.textContent()) ?? '';
    assert.match(shareUrl, /\/share\/[0-9A-Za-z]{32}$/);
    assert.match(await admin.textContent('section[aria-label=Shares]') ?? '', /never expires/);
  });

  it('shows the report, live, to a browser with no cookie, and no IP or user agent', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    assert.deepEqual(await context.cookies(), []);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(shareUrl);
    await page.waitForSelector('[data-testid=shared-code]:has-text("launch")');
    await page.waitForSelector('[data-testid=live-status]:has-text("live")');
    await page.locator('[data-testid=range-clicks]', { hasText: /^1$/ }).waitFor();
    assert.equal(await page.locator('form[aria-label="Edit link"]').count(), 0, 'read only');

    await visit();
    await page.locator('[data-testid=range-clicks]', { hasText: /^2$/ }).waitFor();
    await page.locator('section[aria-label=Browsers] >> text=Firefox').waitFor();
    const html = await page.content();
    for (const secret of [VISITOR_IP, VISITOR_AGENT, '4242']) assert.ok(!html.includes(secret), `${secret} is not on the page`);
    await page.screenshot({ path: `${SCREENSHOTS}share.png`, fullPage: true });
    assert.deepEqual(errors, []);

    // Revoked on the link page: the open share page says so at once.
    admin.once('dialog', (dialog) => void dialog.accept());
    await admin.click('section[aria-label=Shares] button:has-text("Revoke")');
    await admin.waitForSelector('section[aria-label=Shares] >> text=Not shared yet.');
    await page.waitForSelector('text=This report is no longer shared');
    const reopened = await context.newPage();
    const res = await reopened.goto(shareUrl);
    assert.equal(res?.status(), 404);
    await context.close();
  });
});
