import type { NewClick } from '../../src/core/clicks/click.js';
import { NO_CAMPAIGN_PLACE_TARGET } from './click-fields.js';
import type { TestServer } from './test-server.js';
import { linkKey } from '../../src/core/links/link-key.js';

export const FIREFOX_UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';

/** A stored click with every field a report breaks down by; `at` is ms before now. */
export function seededClick(linkId: number, ago: number, fields: Partial<NewClick> = {}, n = 0): NewClick {
  return {
    linkId, at: Date.now() - ago, ip: `203.0.113.${n % 250}`, country: 'DE', browser: 'Firefox', os: 'Linux', device: 'desktop',
    bot: false, referrer: null, referrerHost: null, language: 'de', userAgent: FIREFOX_UA, visitorId: `visitor-${n}`,
    ...NO_CAMPAIGN_PLACE_TARGET, ...fields,
  };
}

/** Creates a link through the API and answers its storage id (to seed clicks straight into the database). */
export async function createLink(server: TestServer, code: string, url: string): Promise<number> {
  const res = await server.api('/api/links', { method: 'POST', json: { url, code } });
  if (res.status !== 201) throw new Error(`creating ${code}: ${res.status}`);
  return (await server.lp.links.find(linkKey(code))).id;
}

/** Stores clicks in batches, as the group committer would. */
export async function seed(server: TestServer, clicks: NewClick[]): Promise<void> {
  for (let i = 0; i < clicks.length; i += 2000) await server.lp.storage.clicks.insertBatch(clicks.slice(i, i + 2000));
}
