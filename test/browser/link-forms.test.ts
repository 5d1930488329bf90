import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { chromiumMissing, launchBrowser, SCREENSHOTS } from '../helpers/browser.js';
import { ADMIN_KEY, startTestServer, type TestServer } from '../helpers/test-server.js';

const FORM = 'form[aria-label="Shorten a URL"]';
const EDITOR = 'form[aria-label="Edit link"]';

describe('the link forms: UTM builder, fallback, tracking, preview, targeting rules and A/B variants', { skip: chromiumMissing }, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  before(async () => {
    execFileSync(process.execPath, [fileURLToPath(new URL('../../scripts/build-assets.mjs', import.meta.url))]);
    server = await startTestServer();
    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.on('console', (message) => { if (message.type() === 'error' && !/\b(401|422)\b/.test(message.text())) problems.push(message.text()); });
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${server.url}/dashboard`);
    await page.fill('input[name=key]', ADMIN_KEY);
    await page.click('form[aria-label="Sign in"] button[type=submit]');
    await page.waitForSelector('[data-testid=role]');
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  const rule = (form: string, i: number) => page.locator(`${form} li[data-rule="${i}"]`);
  const variant = (form: string, i: number) => page.locator(`${form} li[data-variant="${i}"]`);
  const fill = (item: Locator, input: string, value: string) => item.locator(`input[data-input=${input}]`).fill(value);

  it('creates a link with campaign tags, fallback, preview, rules and variants that the API then returns', async () => {
    await page.goto(`${server.url}/dashboard`);
    await page.fill(`${FORM} input[name=url]`, 'https://example.com/launch?ref=home');
    await page.fill(`${FORM} input[name=code]`, 'launch');
    await page.click(`${FORM} summary:has-text("Campaign tags")`);
    await page.fill(`${FORM} input[name=utm_source]`, 'newsletter');
    await page.fill(`${FORM} input[name=utm_campaign]`, 'spring sale');
    await page.locator('[data-testid=utm-result]', { hasText: 'utm_campaign' }).waitFor();
    const built = 'https://example.com/launch?ref=home&utm_source=newsletter&utm_campaign=spring+sale';
    assert.equal(await page.textContent('[data-testid=utm-result]'), built);

    await page.click(`${FORM} summary:has-text("Fallback")`);
    await page.fill(`${FORM} input[name=fallbackUrl]`, 'https://example.com/over');
    await page.check(`${FORM} input[name=noTrack]`);
    await page.fill(`${FORM} input[name=previewTitle]`, 'Spring <b>launch</b>');
    await page.fill(`${FORM} input[name=previewDescription]`, 'Everything new');
    await page.fill(`${FORM} input[name=previewImage]`, 'https://example.com/card.png');

    await page.click(`${FORM} summary:has-text("Targeting")`);
    for (let i = 0; i < 3; i++) await page.click(`${FORM} button:has-text("Add a rule")`);
    await fill(rule(FORM, 0), 'url', 'https://example.com/de');
    await fill(rule(FORM, 0), 'country', 'de, at');
    await fill(rule(FORM, 1), 'url', 'https://example.com/doomed');
    await fill(rule(FORM, 2), 'url', 'https://example.com/ios');
    await fill(rule(FORM, 2), 'os', 'iOS');
    await fill(rule(FORM, 2), 'device', 'mobile, tablet');
    await fill(rule(FORM, 2), 'query', 'ref=tw&ref=fb&lang=en');
    await fill(rule(FORM, 2), 'after', '2030-01-02T10:30');
    await page.click(`${FORM} button[aria-label="Remove rule 2"]`);
    // The iOS rule (now second) goes first.
    await page.click(`${FORM} button[aria-label="Move rule 2 up"]`);
    assert.equal(await rule(FORM, 0).locator('input[data-input=url]').inputValue(), 'https://example.com/ios');

    await page.click(`${FORM} button:has-text("Add a variant")`);
    await page.click(`${FORM} button:has-text("Add a variant")`);
    await fill(variant(FORM, 0), 'url', 'https://example.com/a');
    await fill(variant(FORM, 0), 'weight', '70');
    await fill(variant(FORM, 1), 'url', 'https://example.com/b');
    await fill(variant(FORM, 1), 'weight', '30');
    await page.screenshot({ path: `${SCREENSHOTS}link-form.png`, fullPage: true });
    await page.click(`${FORM} button[type=submit]`);
    await page.waitForURL(/\/dashboard\/links\/launch$/);

    const link = await (await server.api('/api/links/launch')).json();
    assert.equal(link.url, built);
    assert.equal(link.fallbackUrl, 'https://example.com/over');
    assert.equal(link.track, false);
    assert.deepEqual(link.preview, { title: 'Spring <b>launch</b>', description: 'Everything new', image: 'https://example.com/card.png' });
    const after = new Date(2030, 0, 2, 10, 30).toISOString();
    assert.deepEqual(link.rules, [
      { when: { device: ['mobile', 'tablet'], os: ['iOS'], query: { ref: ['tw', 'fb'], lang: ['en'] }, after }, url: 'https://example.com/ios' },
      { when: { country: ['DE', 'AT'] }, url: 'https://example.com/de' },
    ]);
    assert.deepEqual(link.variants, [{ url: 'https://example.com/a', weight: 70 }, { url: 'https://example.com/b', weight: 30 }]);
  });

  it('shows the API\'s refusals beside the rule or variant they name, and creates nothing', async () => {
    await page.goto(`${server.url}/dashboard`);
    await page.fill(`${FORM} input[name=url]`, 'https://example.com/refused');
    await page.fill(`${FORM} input[name=code]`, 'refused');
    await page.click(`${FORM} summary:has-text("Targeting")`);
    await page.click(`${FORM} button:has-text("Add a rule")`);
    await fill(rule(FORM, 0), 'url', 'https://example.com/x');
    await fill(rule(FORM, 0), 'country', 'Germany');
    await page.click(`${FORM} button:has-text("Add a variant")`);
    await fill(variant(FORM, 0), 'url', 'https://example.com/a');
    await page.click(`${FORM} button[type=submit]`);
    await rule(FORM, 0).locator('[data-field-error="rules[0].when.country"]', { hasText: 'two-letter country code' }).waitFor();
    await page.locator(`${FORM} [data-field-error=variants]`, { hasText: 'at least two variants' }).waitFor();
    assert.equal((await server.api('/api/links/refused')).status, 404);
  });

  it('edits them on the link page: the editor shows what the link has and saves what is changed', async () => {
    await page.goto(`${server.url}/dashboard/links/launch`);
    await page.waitForSelector(EDITOR);
    assert.equal(await page.inputValue(`${EDITOR} input[name=fallbackUrl]`), 'https://example.com/over');
    assert.equal(await page.isChecked(`${EDITOR} input[name=noTrack]`), true);
    assert.equal(await page.inputValue(`${EDITOR} input[name=previewTitle]`), 'Spring <b>launch</b>');
    assert.equal(await rule(EDITOR, 0).locator('input[data-input=query]').inputValue(), 'ref=tw&ref=fb&lang=en');
    assert.equal(await rule(EDITOR, 1).locator('input[data-input=country]').inputValue(), 'DE, AT');

    await page.uncheck(`${EDITOR} input[name=noTrack]`);
    await page.fill(`${EDITOR} input[name=previewTitle]`, '');
    await page.fill(`${EDITOR} input[name=previewDescription]`, '');
    await page.fill(`${EDITOR} input[name=previewImage]`, '');
    await page.click(`${EDITOR} button[aria-label="Move rule 2 up"]`);
    await fill(rule(EDITOR, 0), 'language', 'de');
    await page.click(`${EDITOR} button[aria-label="Remove rule 2"]`);
    await page.click(`${EDITOR} button[aria-label="Remove variant 2"]`);
    await page.click(`${EDITOR} button[aria-label="Remove variant 1"]`);
    await page.click(`${EDITOR} button[type=submit]`);
    await page.locator(`${EDITOR} [role=status]`, { hasText: 'Saved' }).waitFor();

    const link = await (await server.api('/api/links/launch')).json();
    assert.equal(link.track, true);
    assert.equal(link.preview, null);
    assert.deepEqual(link.rules, [{ when: { country: ['DE', 'AT'], language: ['de'] }, url: 'https://example.com/de' }]);
    assert.deepEqual(link.variants, []);
    assert.equal(link.fallbackUrl, 'https://example.com/over');
    assert.equal(await page.locator(`${EDITOR} li[data-rule]`).count(), 1);
  });

  it('creates a link on another domain, filters the list by domain and opens the link\'s own page', async () => {
    assert.equal((await server.api('/api/domains', { method: 'POST', json: { host: 'go.example.com' } })).status, 201);
    await page.goto(`${server.url}/dashboard`);
    await page.fill(`${FORM} input[name=url]`, 'https://example.com/elsewhere');
    await page.fill(`${FORM} input[name=code]`, 'launch');
    await page.selectOption(`${FORM} select[name=domain]`, 'go.example.com');
    await page.click(`${FORM} button[type=submit]`);
    await page.waitForURL(/\/dashboard\/links\/launch\?domain=go\.example\.com$/);
    await page.locator('[data-testid=short-url]', { hasText: 'http://go.example.com/launch' }).waitFor();
    assert.equal((await (await server.api('/api/links/launch?domain=go.example.com')).json()).url, 'https://example.com/elsewhere');

    await page.goto(`${server.url}/dashboard`);
    const rows = page.locator('table.links tbody tr');
    const elsewhere = rows.filter({ hasNotText: 'go.example.com' }).first();
    await elsewhere.waitFor();
    await page.selectOption('select[name=domain]:not(form select)', 'go.example.com');
    // Only the link on that domain is left (the default domain's launch goes).
    await elsewhere.waitFor({ state: 'detached' });
    assert.equal(await rows.count(), 1);
    assert.match(await rows.first().textContent() ?? '', /launch.*go\.example\.com.*example\.com\/elsewhere/);
    await rows.first().locator('a', { hasText: 'launch' }).click();
    await page.waitForURL(/\/dashboard\/links\/launch\?domain=go\.example\.com$/);
    await page.locator('[data-testid=short-url]', { hasText: 'http://go.example.com/launch' }).waitFor();
  });

  it('ran without a script error or a Content-Security-Policy violation', () => {
    assert.deepEqual(problems, []);
  });
});
