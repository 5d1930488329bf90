import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { chromiumMissing, launchBrowser, SCREENSHOTS } from '../helpers/browser.js';
import { ADMIN_KEY, freePort, startTestServer, type TestServer } from '../helpers/test-server.js';

// The Webhooks page: create one (its secret shown once), see a failed delivery with the receiver's
// answer as text, retry it once the receiver is fixed, delete the webhook.

const HOSTILE = '<img src=x onerror="document.title=\'pwned\'">';

describe('the Webhooks page in Chromium', { skip: chromiumMissing }, () => {
  let server: TestServer;
  let receiver: Server;
  let receiverUrl: string;
  let answer = 500;
  let browser: Browser;
  let page: Page;

  before(async () => {
    receiver = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(answer).end(answer === 500 ? HOSTILE : ''));
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    const port = await freePort();
    server = await startTestServer({ port, env: { LINKPULSE_BASE_URL: `http://127.0.0.1:${port}` } });
    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    receiver?.closeAllConnections();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  /** Clicks the webhook's Refresh until `holds`. */
  const refreshUntil = async (holds: () => Promise<boolean>) => {
    for (let i = 0; i < 100 && !(await holds()); i++) {
      await page.click('section.webhook button:has-text("Refresh")');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.ok(await holds());
  };

  it('creates a webhook, shows a failed delivery as text, retries it and deletes the webhook', async () => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}/dashboard`);
    await page.fill('input[name=key]', ADMIN_KEY);
    await page.click('form[aria-label="Sign in"] button[type=submit]');
    await page.click('header a:has-text("Webhooks")');
    await page.waitForSelector('text=No webhooks yet.');
    assert.equal(new URL(page.url()).pathname, '/dashboard/webhooks');

    await page.fill('input[name=url]', 'ftp://example.com/');
    await page.click('form button[type=submit]:has-text("Create webhook")');
    await page.waitForSelector('[data-field-error=url]');

    await page.fill('input[name=url]', receiverUrl);
    await page.check('input[value="link.created"]');
    await page.click('form button[type=submit]:has-text("Create webhook")');
    const secret = (await page.locator('[data-testid=webhook-secret] code').textContent()) ?? '';
    assert.match(secret, /^whsec_/);

    assert.equal((await server.api('/api/links', { method: 'POST', json: { url: 'https://example.com/x', code: 'hooked' } })).status, 201);
    const row = page.locator('tr[data-delivery-id]');
    await refreshUntil(async () => (await row.locator('td[data-label="Last error"]').allTextContents()).some((t) => t !== ''));
    assert.match(await row.first().textContent() ?? '', /HTTP 500: <img src=x onerror/);
    assert.equal(await page.locator('section.webhook img').count(), 0, 'the receiver\'s answer is text');
    await page.screenshot({ path: `${SCREENSHOTS}webhooks.png`, fullPage: true });

    answer = 204;
    await page.click('tr[data-delivery-id] button:has-text("Retry")');
    await refreshUntil(async () => (await page.locator('td.delivery-delivered').count()) > 0);

    page.once('dialog', (dialog) => void dialog.accept());
    await page.click('section.webhook button:has-text("Delete")');
    await page.waitForSelector('text=No webhooks yet.');
    assert.notEqual(await page.title(), 'pwned');
    assert.deepEqual(errors, []);
  });
});
