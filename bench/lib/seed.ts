import BetterSqlite3 from 'better-sqlite3';
import { Roller } from '../../src/core/analytics/roller.js';
import { openStorage } from '../../src/storage/open-storage.js';

const DAY_MS = 86_400_000;
// The values seeded clicks draw from, each equally likely (the filtered yardstick draws from them too).
export const COUNTRIES = ['US', 'DE', 'FR', 'GB', 'IN', 'BR', 'JP', 'CA', 'NL', 'ES', 'IT', 'PL', 'SE', 'AU', 'MX', null];
export const BROWSERS = ['Chrome', 'Firefox', 'Safari', 'Edge', 'Opera', null];
export const OSES = ['Windows', 'Mac OS', 'Linux', 'Android', 'iOS', null];
export const DEVICES = ['desktop', 'mobile', 'tablet', 'bot', 'other'];
export const HOSTS = ['www.google.com', 't.co', 'news.ycombinator.com', 'www.reddit.com', 'www.linkedin.com', 'duckduckgo.com', null];
export const LANGUAGES = ['en', 'de', 'fr', 'es', 'ja', 'pt', 'zh', null];
export const UTM_SOURCES = ['newsletter', 'twitter', 'google', 'partner', null, null, null];
export const UTM_CAMPAIGNS = ['spring', 'summer', 'launch', null, null];
/** Clicks in the current hour on "big", as in a spike ("a link that went viral"). */
export const SPIKE_CLICKS = Number(process.env.BENCH_SPIKE_CLICKS ?? 200_000);

export interface SeedResult {
  readonly links: number;
  readonly clicks: number;
  /** Clicks of the spike, in the hour of `spikeFrom`, up to the moment the seeding began. */
  readonly spikeClicks: number;
  readonly from: number;
  readonly to: number;
  readonly seedSeconds: number;
  readonly rollupSeconds: number;
}

/**
 * A database at scale, written straight into SQLite (fast), then rolled up by the real Roller:
 * `links` links, and `clicks` clicks on the link "big" spread over the 30 UTC days before `to`, and
 * SPIKE_CLICKS more in the current hour.
 */
export async function seedScale(path: string, links: number, clicks: number, to: number): Promise<SeedResult> {
  const started = Date.now();
  const storage = openStorage(`sqlite:${path}`);
  await storage.migrate();
  await storage.close();

  const db = new BetterSqlite3(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF'); // a throwaway bench database
  const from = to - 30 * DAY_MS;
  // The roller counts the clicks into click_count as it rolls them up.
  const insertLink = db.prepare(`insert into links (code, url, title, created_at, updated_at, redirect_type, disabled)
    values (?, ?, null, ?, ?, 302, 0)`);
  db.transaction(() => {
    insertLink.run('big', 'https://example.com/big', from, from);
    for (let i = 1; i < links; i++) {
      const code = `s${i.toString(36).padStart(6, '0')}`;
      insertLink.run(code, `https://example.com/page/${i}?utm_source=bench`, from + i, from + i);
    }
  })();
  const bigId = (db.prepare('select id from links where code = ?').get('big') as { id: number }).id;
  const insertClick = db.prepare(`insert into clicks (link_id, at, ip, country, browser, os, device, bot, referrer, referrer_host, language, user_agent, visitor_id,
      utm_source, utm_campaign, target)
    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'https://example.com/big')`);
  let random = 12345;
  const next = (n: number) => {
    random = (Math.imul(random, 1_103_515_245) + 12_345) >>> 0;
    return random % n;
  };
  const pick = <T>(list: readonly T[]): T => list[next(list.length)] as T;
  const chunk = 100_000;
  const insert = (at: number) => {
    const device = pick(DEVICES);
    const host = pick(HOSTS);
    // About 300 k distinct visitors a day, each id salted by its day as real ones are.
    const visitor = `${Math.floor(at / DAY_MS)}-${next(300_000)}`;
    insertClick.run(bigId, at, `198.51.${next(256)}.${next(256)}`, pick(COUNTRIES), pick(BROWSERS), pick(OSES), device, device === 'bot' ? 1 : 0,
      host === null ? null : `https://${host}/`, host, pick(LANGUAGES), 'Mozilla/5.0 (bench)', visitor, pick(UTM_SOURCES), pick(UTM_CAMPAIGNS));
  };
  const spread = (count: number, start: number, end: number) => {
    const step = (end - start) / count;
    for (let done = 0; done < count; done += chunk) {
      db.transaction(() => {
        for (let i = done; i < Math.min(done + chunk, count); i++) insert(Math.floor(start + i * step));
      })();
    }
  };
  spread(clicks, from, to);
  const now = Date.now();
  const spikeFrom = Math.floor(now / 3_600_000) * 3_600_000;
  spread(SPIKE_CLICKS, spikeFrom, now);
  db.close();
  const seeded = Date.now();

  const rolling = openStorage(`sqlite:${path}`);
  const roller = new Roller(rolling.rollups, { batch: 50_000 });
  await roller.catchUp();
  await roller.closeDays(); // as a server does within a minute of starting

  await rolling.close();
  return { links, clicks, spikeClicks: SPIKE_CLICKS, from, to, seedSeconds: (seeded - started) / 1000, rollupSeconds: (Date.now() - seeded) / 1000 };
}
