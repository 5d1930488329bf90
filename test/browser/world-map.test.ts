import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { chromiumMissing, launchBrowser, SCREENSHOTS } from '../helpers/browser.js';
import { createLink, seed, seededClick } from '../helpers/dashboard-fixtures.js';
import { ADMIN_KEY, startTestServer, type TestServer } from '../helpers/test-server.js';

// More countries than a report's ten rows, so the map must read the whole list; Kosovo has no ISO
// number in the atlas, Singapore is too small for it.
const COUNTRIES: [string, number][] = [
  ['US', 40], ['DE', 25], ['FR', 12], ['BR', 9], ['JP', 7], ['IN', 6], ['AU', 5], ['CA', 4],
  ['ZA', 3], ['RU', 3], ['MX', 2], ['XK', 2], ['NO', 1], ['AR', 1], ['SG', 1],
];

describe('the world map of a report\'s countries', { skip: chromiumMissing }, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  before(async () => {
    execFileSync(process.execPath, [fileURLToPath(new URL('../../scripts/build-assets.mjs', import.meta.url))]);
    server = await startTestServer();
    const id = await createLink(server, 'world', 'https://example.com/world');
    let n = 0;
    await seed(server, COUNTRIES.flatMap(([country, clicks]) => Array.from({ length: clicks }, () => seededClick(id, 3_600_000 + n * 1000, { country, device: n % 3 ? 'desktop' : 'mobile' }, n++))));
    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.on('console', (message) => { if (message.type() === 'error' && !message.text().includes('401')) problems.push(message.text()); });
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

  /** Countries the map colours, with the clicks it gives each. */
  const mapped = async (p: Page) => {
    await p.locator('[data-testid=world-map] svg').waitFor();
    return p.locator('[data-testid=world-map] path.country[role=button]').evaluateAll((paths) => Object.fromEntries(paths.map((el) => [el.getAttribute('data-code'), Number(el.getAttribute('data-clicks'))])));
  };

  it('colours every country of the view with the API\'s count, beyond the report\'s top ten', async () => {
    await page.goto(`${server.url}/dashboard/links/world`);
    await page.locator('[data-testid=world-map] path.country[data-code=NO][role=button]').waitFor();
    const stats = await (await server.api(`/api/links/world/stats?limit=1000&from=${new Date(Date.now() - 7 * 86_400_000).toISOString()}`)).json();
    const expected = Object.fromEntries((stats.countries as { key: string; clicks: number }[]).filter((c) => c.key !== 'SG').map((c) => [c.key, c.clicks]));
    assert.equal(Object.keys(expected).length, COUNTRIES.length - 1);
    assert.deepEqual(await mapped(page), expected);
    assert.equal(await page.locator('ol.rows[data-dimension=countries] li[data-key]').count(), 10, 'the rows stay the top ten');
    assert.equal(await page.locator('[data-testid=world-map] path.country[data-code=CN]').getAttribute('role'), null, 'a country without clicks is not a button');
    // More clicks, a stronger colour.
    const level = async (code: string) => Number(/level-(\d)/.exec((await page.getAttribute(`path[data-code=${code}]`, 'class')) ?? '')?.[1]);
    assert.ok(await level('US') > await level('MX') && await level('MX') > await level('NO'));
  });

  it('names a country and its count on hover and on focus', async () => {
    await page.hover('[data-testid=world-map] path[data-code=AU]');
    await page.locator('[data-testid=map-pointed]', { hasText: /Australia \(AU\): 5 clicks/ }).waitFor();
    assert.match(await page.getAttribute('path[data-code=AU]', 'aria-label') ?? '', /^Australia \(AU\): 5 clicks/);
    // Tab order: most clicks first.
    await page.locator('[data-testid=world-map] path[data-code=US]').focus();
    await page.keyboard.press('Tab');
    await page.locator('[data-testid=map-pointed]', { hasText: /Germany \(DE\): 25 clicks/ }).waitFor();
  });

  it('filters the page when a country is clicked, as its row does, and again to remove it', async () => {
    await page.click('[data-testid=world-map] path[data-code=BR]');
    await page.waitForSelector('[data-filter=country]');
    assert.match(page.url(), /\?country=BR$/);
    await page.locator(`section.report[data-view="?country=BR"]`).waitFor();
    assert.equal((await page.textContent('[data-testid=range-clicks]'))?.replace(/\D/g, ''), '9');
    assert.deepEqual(await mapped(page), { BR: 9 });
    assert.equal(await page.getAttribute('path[data-code=BR]', 'aria-pressed'), 'true');

    // The keyboard does the same: Enter on the pressed country removes its filter.
    await page.locator('[data-testid=world-map] path[data-code=BR]').focus();
    await page.keyboard.press('Enter');
    await page.locator('[data-filter=country]').waitFor({ state: 'detached' });
    await page.locator('[data-testid=world-map] path.country[data-code=NO][role=button]').waitFor();
    await page.locator('[data-testid=world-map] path[data-code=XK]').focus();
    await page.keyboard.press(' ');
    await page.waitForURL(/\?country=XK$/);
    assert.deepEqual(await mapped(page), { XK: 2 });
  });

  it('draws in dark mode with dark colours, and fits a phone', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: 'dark' });
    const phone = await context.newPage();
    await phone.goto(`${server.url}/dashboard`);
    await phone.fill('input[name=key]', ADMIN_KEY);
    await phone.click('form[aria-label="Sign in"] button[type=submit]');
    await phone.waitForSelector('[data-testid=role]');
    await phone.goto(`${server.url}/dashboard/links/world`);
    await phone.locator('[data-testid=world-map] path[data-code=US][role=button]').waitFor();
    assert.ok(await phone.evaluate('document.documentElement.scrollWidth <= window.innerWidth'), 'the page fits');
    const fill = (code: string): Promise<string> => phone.evaluate(`getComputedStyle(document.querySelector('path[data-code=${code}]')).fill`);
    assert.notEqual(await fill('US'), await fill('CN'));
    const [r = 0, g = 0, b = 0] = ((await fill('CN')).match(/\d+/g) ?? []).map(Number);
    assert.ok((0.2126 * r + 0.7152 * g + 0.0722 * b) / 255 < 0.3, 'a country without clicks is dark in dark mode');
    await phone.locator('section[aria-label=Locations]').screenshot({ path: `${SCREENSHOTS}world-map-phone-dark.png` });
    await context.close();
    await page.goto(`${server.url}/dashboard/links/world`);
    await page.locator('[data-testid=world-map] path[data-code=US][role=button]').waitFor();
    await page.locator('section[aria-label=Locations]').screenshot({ path: `${SCREENSHOTS}world-map.png` });
  });

  it('ran without a script error or a Content-Security-Policy violation', () => {
    assert.deepEqual(problems, []);
  });
});
