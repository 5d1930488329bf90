import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { chromiumMissing, launchBrowser, SCREENSHOTS } from '../helpers/browser.js';
import { createLink, FIREFOX_UA, seed, seededClick } from '../helpers/dashboard-fixtures.js';
import { ADMIN_KEY, startTestServer, type TestServer } from '../helpers/test-server.js';

const DAY = 86_400_000;
const XSS_CONTENT = '<img src=x onerror="window.__pwned=1">';
// Page-side expressions are strings: this file is typed for Node, not for the DOM.
const FITS = 'document.documentElement.scrollWidth <= window.innerWidth';

/** Polls a condition the page offers no event for (a canvas resized), giving up after 15 s. */
async function until(condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('the condition never held');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
/** Campaign traffic of the last days, and a smaller earlier week to compare it with. */
function launchClicks(linkId: number) {
  const places = [
    { country: 'DE', region: 'DE-BE', city: 'Berlin', language: 'de' },
    { country: 'FR', region: 'FR-IDF', city: 'Paris', language: 'fr' },
    { country: 'US', region: 'US-CA', city: 'San Francisco', language: 'en' },
  ];
  const sources = [
    { referrer: 'https://news.ycombinator.com/item?id=1', referrerHost: 'news.ycombinator.com', utmSource: 'hn', utmMedium: 'social', utmCampaign: 'spring' },
    { referrer: null, referrerHost: null, utmSource: 'newsletter', utmMedium: 'email', utmCampaign: 'spring' },
    { referrer: 'https://t.co/x', referrerHost: 't.co', utmSource: null, utmMedium: null, utmCampaign: null },
  ];
  const recent = Array.from({ length: 120 }, (_, n) => seededClick(linkId, ((n * 7919) % 150) * 3_600_000 + 1_800_000, {
    ...places[n % 3 === 0 ? 0 : n % 5 === 0 ? 2 : 1], ...sources[n % 4 === 0 ? 0 : n % 3 === 0 ? 2 : 1],
    browser: n % 2 ? 'Chrome' : 'Firefox', os: n % 4 ? 'Windows' : 'Linux', device: n % 7 ? 'desktop' : 'mobile', bot: n % 11 === 0,
  }, n));
  const earlier = Array.from({ length: 70 }, (_, n) => seededClick(linkId, 8 * DAY + ((n * 7919) % 140) * 3_600_000, { ...places[n % 2], utmCampaign: n % 3 ? 'spring' : null }, 1000 + n));
  const hostile = seededClick(linkId, 7_200_000, { utmContent: XSS_CONTENT, utmTerm: '<b>bold</b>' }, 999);
  return [...recent, ...earlier, hostile];
}

describe('exploring a link report in Chromium', { skip: chromiumMissing }, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  /** Script errors and Content-Security-Policy violations on the main page. */
  const problems: string[] = [];

  before(async () => {
    execFileSync(process.execPath, [fileURLToPath(new URL('../../scripts/build-assets.mjs', import.meta.url))]);
    server = await startTestServer();
    await seed(server, launchClicks(await createLink(server, 'launch', 'https://example.com/launch')));
    // One hour with 12,000 clicks: the y-axis must say so in full, and the click log has many pages.
    const bigId = await createLink(server, 'big', 'https://example.com/big');
    await seed(server, Array.from({ length: 12_000 }, (_, n) => seededClick(bigId, 60_000, { country: 'FR', referrerHost: `site-${n % 15}.example`, referrer: `https://site-${n % 15}.example/` }, n)));
    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    // The first visit asks for the session before signing in: that 401 is expected.
    page.on('console', (message) => { if (message.type() === 'error' && !message.text().includes('401')) problems.push(message.text()); });
    page.on('pageerror', (error) => problems.push(error.message));
    await signIn(page);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  async function signIn(p: Page): Promise<void> {
    await p.goto(`${server.url}/dashboard`);
    await p.fill('input[name=key]', ADMIN_KEY);
    await p.click('form[aria-label="Sign in"] button[type=submit]');
    await p.waitForSelector('[data-testid=role]');
  }

  /** The report's figures as the page shows them, once they are those of the view in its URL. */
  async function shownTotals(p: Page) {
    await p.locator(`section.report[data-view="${new URL(p.url()).search}"]`).waitFor();
    const number = async (id: string) => Number((await p.textContent(`[data-testid=${id}]`))?.replace(/\D/g, ''));
    return { clicks: await number('range-clicks'), uniqueVisitors: await number('range-uniqueVisitors'), botClicks: await number('range-botClicks') };
  }

  /** The API's totals for the same query as the page's URL (its preset range counted from now). */
  async function apiTotals(search: string) {
    const view = new URLSearchParams(search);
    const q = new URLSearchParams({ from: new Date(Date.now() - 7 * DAY).toISOString(), bots: view.get('bots') ?? 'include' });
    for (const [name, value] of view) if (!['range', 'bots', 'interval', 'compare'].includes(name)) q.set(name, value);
    const stats = await (await server.api(`/api/links/launch/stats?${q}`)).json();
    return { clicks: stats.totals.clicks, uniqueVisitors: stats.totals.uniqueVisitors, botClicks: stats.totals.botClicks };
  }

  /** Waits until a breakdown lists one entry, or more than one. */
  const rowsAre = async (p: Page, dimension: string, count: 'one' | 'several') => {
    const rows = p.locator(`ol.rows[data-dimension=${dimension}] li[data-key]`);
    await rows.first().waitFor();
    await rows.nth(1).waitFor({ state: count === 'one' ? 'detached' : 'attached' });
  };
  const rowOf = (p: Page, dimension: string, key: string) => p.locator(`ol.rows[data-dimension=${dimension}] li[data-key="${key}"] button.row`);

  it('filters the whole page by clicking breakdown rows, with the API\'s figures', async () => {
    await page.goto(`${server.url}/dashboard/links/launch`);
    await rowOf(page, 'countries', 'FR').click();
    await page.waitForSelector('[data-filter=country]');
    assert.match(page.url(), /\?country=FR$/);
    await rowsAre(page, 'countries', 'one');
    assert.deepEqual(await shownTotals(page), await apiTotals('country=FR'));

    // A second dimension from another tab combines with the first.
    await page.click('section[aria-label=Sources] button.tab:has-text("UTM source")');
    // Rows are buttons: the keyboard reaches them.
    await rowOf(page, 'utmSources', 'newsletter').focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-filter=utmSource]');
    await rowsAre(page, 'utmSources', 'one');
    const expected = await apiTotals('country=FR&utmSource=newsletter');
    assert.deepEqual(await shownTotals(page), expected);
    assert.ok(expected.clicks > 0 && expected.clicks < 50);
    await page.locator('table.clicks tbody tr').nth(expected.clicks - 1).waitFor();
    assert.equal(await page.locator('table.clicks tbody tr').count(), expected.clicks, 'the click log is filtered too');
    assert.equal(await page.textContent('[data-filter=country] > span'), 'Country is France (FR)');

    // A chip removes its filter.
    await page.click('[data-filter=country] button.remove');
    await page.locator('[data-filter=country]').waitFor({ state: 'detached' });
    assert.match(page.url(), /\?utmSource=newsletter$/);
    await rowsAre(page, 'countries', 'several');
    assert.deepEqual(await shownTotals(page), await apiTotals('utmSource=newsletter'));
  });

  it('shows and filters on attacker-written UTM values as text', async () => {
    await page.goto(`${server.url}/dashboard/links/launch`);
    await page.click('section[aria-label=Sources] button.tab:has-text("UTM content")');
    await page.locator('ol.rows[data-dimension=utmContents] button.row', { hasText: XSS_CONTENT }).click();
    await page.waitForSelector('[data-filter=utmContent]');
    assert.equal(await page.textContent('[data-filter=utmContent] > span'), `UTM content is ${XSS_CONTENT}`);
    assert.deepEqual(await shownTotals(page), await apiTotals(`utmContent=${encodeURIComponent(XSS_CONTENT)}`));
    assert.equal(await page.evaluate('window.__pwned'), undefined, 'no injected code ran');
    assert.equal(await page.locator('img[src=x], b:has-text("bold")').count(), 0, 'no injected element exists');
  });

  it('keeps the view in the URL: reload, back and forward restore it', async () => {
    await page.goto(`${server.url}/dashboard/links/launch`);
    await page.click('div[aria-label=Range] button:has-text("30d")');
    await page.selectOption('select:near(:text("Bots"))', 'exclude');
    await rowOf(page, 'countries', 'DE').click();
    await page.waitForURL(/country=DE/);
    const url = page.url();
    assert.match(url, /range=30d/);
    assert.match(url, /bots=exclude/);

    await page.reload();
    await page.waitForSelector('[data-filter=country]');
    assert.equal(await page.getAttribute('div[aria-label=Range] button:has-text("30d")', 'aria-pressed'), 'true');
    assert.equal(await page.inputValue('select:near(:text("Bots"))'), 'exclude');

    await page.goBack();
    await page.locator('[data-filter=country]').waitFor({ state: 'detached' });
    assert.equal(await page.inputValue('select:near(:text("Bots"))'), 'exclude');
    await page.goForward();
    await page.waitForSelector('[data-filter=country]');
    assert.equal(page.url(), url);

    // A pasted link opens the same view in a fresh tab.
    const other = await page.context().newPage();
    await other.goto(url);
    await other.waitForSelector('[data-filter=country]');
    assert.deepEqual(await shownTotals(other), await shownTotals(page));
    await other.close();
  });

  it('compares with the previous period: a change in % and a second, dimmer series', async () => {
    await page.goto(`${server.url}/dashboard/links/launch?compare=previous`);
    await page.waitForSelector('[data-testid=change-clicks]');
    const stats = await (await server.api(`/api/links/launch/stats?from=${new Date(Date.now() - 7 * DAY).toISOString()}&compare=previous`)).json();
    const change = Math.round(((stats.totals.clicks - stats.previous.totals.clicks) / stats.previous.totals.clicks) * 100);
    assert.equal((await page.textContent('[data-testid=change-clicks]'))?.replace(/[^\d+-]/g, ''), `+${change}`);
    assert.equal(await page.getAttribute('.chart', 'data-series'), 'current previous');
    await page.locator('.chart .u-legend', { hasText: 'Previous period' }).waitFor();
  });

  it('offers only the intervals the API accepts for the range, and refuses From after To', async () => {
    await page.goto(`${server.url}/dashboard/links/launch`);
    await page.waitForSelector('[data-testid=range-clicks]');
    const minute = page.locator('select:near(:text("Interval")) option[value=minute]');
    assert.equal(await minute.isDisabled(), true);
    await page.waitForSelector('[data-testid=interval-hint]');
    await page.click('div[aria-label=Range] button:has-text("1h")');
    await page.locator('select option[value=minute]:not([disabled])').waitFor({ state: 'attached' });
    await page.selectOption('select:near(:text("Interval"))', 'minute');
    await page.waitForSelector('.summary:has-text("Per minute")');
    assert.equal(await page.locator('[data-testid=report-error]').count(), 0);

    await page.click('div[aria-label=Range] button:has-text("custom")');
    await page.fill('form[aria-label="Custom range"] input[name=from]', '2026-03-10');
    await page.fill('form[aria-label="Custom range"] input[name=to]', '2026-03-01');
    await page.waitForSelector('form[aria-label="Custom range"] [role=alert]');
    assert.equal(await page.isDisabled('form[aria-label="Custom range"] button[type=submit]'), true);

    // To is inclusive: a one-day range is that whole day.
    const today = new Date(Date.now() - new Date().getTimezoneOffset() * 60_000).toISOString().slice(0, 10);
    await page.fill('form[aria-label="Custom range"] input[name=from]', today);
    await page.fill('form[aria-label="Custom range"] input[name=to]', today);
    await page.click('form[aria-label="Custom range"] button[type=submit]');
    await page.waitForURL(new RegExp(`from=${today}&to=${today}`));
    await page.waitForSelector('.summary:has-text("Per hour")');
    const shown = await shownTotals(page);
    const tomorrow = new Date(Date.parse(today) + DAY).toISOString().slice(0, 10);
    const stats = await (await server.api(`/api/links/launch/stats?from=${today}&to=${tomorrow}&tz=UTC`)).json();
    assert.equal(shown.clicks, stats.totals.clicks);
  });

  it('shows a large number on the y-axis in full', async () => {
    await page.goto(`${server.url}/dashboard/links/big`);
    await page.locator('.chart[data-y-labels*="K"]').waitFor();
    assert.equal(await page.locator('section[aria-label=Sources] .tabs, section[aria-label=Locations] .tabs').count(), 0, 'no UTM, region or city tabs without data');
    const labels = ((await page.getAttribute('.chart', 'data-y-labels')) ?? '').split('|');
    const width = Number(await page.getAttribute('.chart', 'data-y-axis-width'));
    const top = labels.at(-1) ?? '';
    assert.match(top, /^1\dK$/, `the highest tick says its thousands: ${labels.join(' ')}`);
    const widest: number = await page.evaluate(`(() => {
      const ctx = document.createElement('canvas').getContext('2d');
      ctx.font = '12px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
      return Math.max(...${JSON.stringify(labels)}.map((t) => ctx.measureText(t).width));
    })()`);
    assert.ok(widest + 15 <= width, `labels ${widest}px fit an axis of ${width}px beside its ticks`);
  });

  it('lists a whole breakdown on demand, in a scrolling list', async () => {
    assert.equal(await page.locator('ol.rows[data-dimension=referrers] li[data-key]').count(), 10);
    await page.click('section[aria-label=Sources] button:has-text("Show all")');
    await page.locator('.rows-scroll ol.rows[data-dimension=referrers] li[data-key]').nth(14).waitFor();
    assert.equal(await page.locator('ol.rows[data-dimension=referrers] li[data-key]').count(), 15);
    assert.equal(await page.evaluate("getComputedStyle(document.querySelector('.rows-scroll')).overflowY"), 'auto');
  });

  it('pages back through all clicks, not only the newest 50', async () => {
    await page.locator('table.clicks tbody tr').nth(49).waitFor();
    assert.equal(await page.locator('table.clicks tbody tr').count(), 50);
    await page.click('[data-testid=older-clicks]');
    await page.locator('table.clicks tbody tr').nth(99).waitFor();
    const ids = await page.locator('table.clicks tbody tr').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-click-id'))));
    assert.equal(new Set(ids).size, 100);
    assert.deepEqual(ids, [...ids].sort((a, b) => b - a), 'newest first, no gap between pages');
  });

  it('follows window resizes after a live update, and keeps human clicks out of a bots-only view', async () => {
    await page.goto(`${server.url}/dashboard/links/launch`);
    await page.waitForSelector('[data-testid=live-status]:has-text("live")');
    const before = (await shownTotals(page)).clicks;
    await fetch(`${server.url}/launch`, { redirect: 'manual', headers: { 'user-agent': FIREFOX_UA } });
    await page.locator('[data-testid=range-clicks]', { hasText: String(before + 1) }).waitFor();
    const wide = await page.$eval('.chart .uplot', (el) => el.getBoundingClientRect().width);
    await page.setViewportSize({ width: 700, height: 900 });
    await until(async () => (await page.$eval('.chart .uplot', (el) => el.getBoundingClientRect().width)) < wide - 100);
    await page.setViewportSize({ width: 1280, height: 900 });

    await page.selectOption('select:near(:text("Bots"))', 'only');
    await page.waitForURL(/bots=only/);
    const bots = (await shownTotals(page)).clicks;
    const counter = Number(await page.textContent('[data-testid=live-counter]'));
    await fetch(`${server.url}/launch`, { redirect: 'manual', headers: { 'user-agent': FIREFOX_UA } });
    await page.locator('[data-testid=live-counter]', { hasText: String(counter + 1) }).waitFor();
    assert.equal((await shownTotals(page)).clicks, bots, 'a human click is not counted into bots only');

    // Nor is a click into a view whose filters it does not pass (this one has no country).
    await page.goto(`${server.url}/dashboard/links/launch?country=FR`);
    await page.waitForSelector('[data-testid=live-status]:has-text("live")');
    const french = (await shownTotals(page)).clicks;
    const all = Number(await page.textContent('[data-testid=live-counter]'));
    await fetch(`${server.url}/launch`, { redirect: 'manual', headers: { 'user-agent': FIREFOX_UA } });
    await page.locator('[data-testid=live-counter]', { hasText: String(all + 1) }).waitFor();
    assert.equal((await shownTotals(page)).clicks, french);
    assert.deepEqual(await shownTotals(page), await apiTotals('country=FR'));
  });

  it('has no sideways scrolling at phone width, and dark colours in dark mode', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const context = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme, deviceScaleFactor: 1 });
      const phone = await context.newPage();
      await signIn(phone);
      await phone.waitForSelector('table.links tbody tr');
      assert.ok(await phone.evaluate(FITS), 'the link list fits');
      await phone.screenshot({ path: `${SCREENSHOTS}overview-phone-${colorScheme}.png`, fullPage: true });
      await phone.goto(`${server.url}/dashboard/links/launch?interval=day&compare=previous&utmCampaign=spring`);
      await phone.waitForSelector('table.clicks tbody tr');
      await phone.waitForSelector('.chart canvas');
      assert.ok(await phone.evaluate(FITS), 'the link page fits');
      const background: string = await phone.evaluate('getComputedStyle(document.documentElement).backgroundColor');
      const [r, g, b] = (background.match(/\d+/g) ?? []).map(Number) as [number, number, number];
      const light = (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
      assert.ok(colorScheme === 'dark' ? light < 0.2 : light > 0.8, `${colorScheme} background: ${background}`);
      await phone.screenshot({ path: `${SCREENSHOTS}phone-${colorScheme}.png` });
      await context.close();
    }
    for (const colorScheme of ['light', 'dark'] as const) {
      // Tall enough for the report, its first breakdowns and the world map.
      const context = await browser.newContext({ viewport: { width: 1280, height: 1460 }, colorScheme });
      const desk = await context.newPage();
      await signIn(desk);
      await desk.goto(`${server.url}/dashboard/links/launch?interval=day&compare=previous&utmCampaign=spring`);
      await desk.waitForSelector('.chart canvas');
      await desk.waitForSelector('ol.rows[data-dimension=countries]');
      await desk.waitForSelector('[data-testid=world-map] path[role=button]');
      await desk.screenshot({ path: `${SCREENSHOTS}desktop-${colorScheme}.png` });
      await context.close();
    }
  });

  it('says so when the server cannot answer, instead of loading forever', async () => {
    const context = await browser.newContext();
    const p = await context.newPage();
    await p.route('**/dashboard/session', (route) => route.fulfill({ status: 503, contentType: 'application/problem+json', body: JSON.stringify({ title: 'Service Unavailable', status: 503, detail: 'The database is not reachable' }) }));
    await p.goto(`${server.url}/dashboard`);
    await p.waitForSelector('[data-testid=session-error]:has-text("503")');
    await p.unroute('**/dashboard/session');
    await p.waitForSelector('form[aria-label="Sign in"]');
    await signIn(p);
    // While another range loads, its figures are not those of the range before.
    await p.goto(`${server.url}/dashboard/links/launch`);
    await p.waitForSelector('[data-testid=range-clicks]');
    let release = () => {};
    const held = new Promise<void>((resolve) => { release = resolve; });
    await p.route('**/api/links/launch/stats?**', async (route) => { await held; await route.continue(); });
    await p.click('div[aria-label=Range] button:has-text("30d")');
    await p.waitForSelector('[data-testid=report-loading]');
    assert.equal(await p.locator('[data-testid=range-clicks]').count(), 0, 'no 7-day figures under the 30-day button');
    release();
    await p.waitForSelector('[data-testid=range-clicks]');
    await p.unroute('**/api/links/launch/stats?**');

    await p.route('**/api/links/launch/stats?**', (route) => route.abort());
    await p.goto(`${server.url}/dashboard/links/launch`);
    await p.waitForSelector('[data-testid=report-error]');
    assert.equal(await p.locator('[data-testid=range-clicks]').count(), 0, 'no figures of another view under the controls');
    await context.close();
  });

  it('ran without a script error or a Content-Security-Policy violation', () => {
    assert.deepEqual(problems, []);
  });

  it('serves a favicon and gives every page a heading', async () => {
    await page.goto(`${server.url}/dashboard`);
    const icon = await page.getAttribute('link[rel=icon]', 'href');
    const res = await fetch(`${server.url}${icon ?? ''}`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /svg/);
    await page.waitForSelector('h1:has-text("All links")');
    await page.waitForSelector('[data-testid=time-zone]');
  });
});
