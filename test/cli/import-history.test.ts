import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { createConnection, type Connection } from 'mysql2/promise';
import { openStorage } from '../../src/storage/open-storage.js';
import { createLinkPulse, type LinkPulse } from '../../src/composition-root.js';
import { loadConfig } from '../../src/config.js';
import { DATABASE_KINDS, type TestDatabase } from '../helpers/databases.js';
import { tempDir } from '../helpers/temp-dir.js';
import { linkKey } from '../../src/core/links/link-key.js';

// The built CLI, as users run it (npm ci builds it; locally: npm run build).
const BIN = fileURLToPath(new URL('../../bin/linkpulse.js', import.meta.url));
const BUILT = fileURLToPath(new URL('../../dist/cli/bin.js', import.meta.url));

/** LINKPULSE_TEST_MYSQL_URL names a MariaDB/MySQL server (mysql://root@127.0.0.1:3306); each run gets its own database. */
const mysqlServerUrl = process.env.LINKPULSE_TEST_MYSQL_URL;
const mysqlSkip = mysqlServerUrl ? undefined : 'set LINKPULSE_TEST_MYSQL_URL=mysql://root@127.0.0.1:3306 to import from a YOURLS database';

const DAY = 86_400_000;
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';

it('the YOURLS import suite runs when CI requires it', { skip: !process.env.LINKPULSE_REQUIRE_MYSQL }, () => {
  assert.ok(mysqlServerUrl, 'LINKPULSE_REQUIRE_MYSQL is set but LINKPULSE_TEST_MYSQL_URL is not');
});

it('the CLI is built', () => {
  assert.ok(existsSync(BUILT), 'run `npm run build` first: these tests run the built CLI');
});

/** Whole seconds, as YOURLS and Shlink keep times. */
function second(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

/** "2024-05-06 07:08:09": a time as YOURLS writes it, in UTC. */
function yourlsTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

interface Report {
  totals: { clicks: number; humanClicks: number; botClicks: number; uniqueVisitors: number };
  timeseries: { t: string; clicks: number }[];
  countries: { key: string | null; clicks: number }[];
  cities: { key: string | null; clicks: number }[];
  referrers: { key: string | null; clicks: number }[];
  browsers: { key: string | null; clicks: number }[];
  devices: { key: string | null; clicks: number }[];
  utmSources: { key: string | null; clicks: number }[];
}

const byKey = (entries: { key: string | null; clicks: number }[]) => Object.fromEntries(entries.map((e) => [String(e.key), e.clicks]));

for (const kind of DATABASE_KINDS) {
  describe(`import with visits, on ${kind.name}`, { skip: kind.skip }, () => {
    const dir = tempDir();
    let database: TestDatabase;
    let env: NodeJS.ProcessEnv;
    const now = Date.now();
    // A day long closed, a few days ago, and today (whose salt live clicks use too).
    const long = second(now - 40 * DAY);
    const recent = second(now - 3 * DAY);
    const today = second(now - 60_000);

    // Imports run in the built CLI; what they stored is read through the services, as the API reads it.
    let lp: LinkPulse;
    before(async () => {
      database = await kind.create();
      env = { ...process.env, LINKPULSE_DATABASE_URL: database.url, LINKPULSE_BASE_URL: 'https://sho.rt', LINKPULSE_LOG_LEVEL: 'silent' };
      lp = await createLinkPulse(loadConfig(env as Record<string, string>));
    });
    after(async () => {
      await lp.close();
      await database.drop();
      dir.cleanup();
    });

    const run = (...args: string[]) => new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [BIN, ...args], { env, cwd: dir.path });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
      child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    // Up to now: without its end, a report of now is one of a moment later.
    const report = async (code: string, filters: Record<string, string> = {}) => {
      const { to: _end, ...rest } = await lp.stats.forLink(linkKey(code), { from: new Date(long - DAY).toISOString(), interval: 'day', tz: 'UTC', ...filters });
      return rest as unknown as Report;
    };
    const exported = async (code: string) => {
      let text = '';
      for await (const chunk of (await lp.clickQueries.export(linkKey(code), {}, 'csv')).chunks) text += chunk;
      return parse(text, { columns: true }) as Record<string, string>[];
    };
    const link = (code: string) => lp.links.get(linkKey(code)).catch(() => undefined);

    describe('from a YOURLS database', { skip: mysqlSkip }, () => {
      const name = `yourls_test_${randomBytes(6).toString('hex')}`;
      let server: Connection;
      let source: string;
      const logVisit = (at: number, keyword: string, referrer: string, userAgent: string, ip: string, country: string) =>
        server.query('insert into yourls_log (click_time, shorturl, referrer, user_agent, ip_address, country_code) values (?, ?, ?, ?, ?, ?)',
          [yourlsTime(at), keyword, referrer, userAgent, ip, country]);

      before(async () => {
        server = await createConnection({ uri: mysqlServerUrl as string, multipleStatements: false });
        await server.query(`create database ${name} character set utf8mb4`);
        await server.query(`use ${name}`);
        // YOURLS's two tables as its installer makes them (includes/functions-install.php).
        await server.query(`create table yourls_url (
          keyword varchar(100) character set utf8mb4 collate utf8mb4_bin not null default '',
          url text character set utf8mb4 collate utf8mb4_bin not null,
          title text collate utf8mb4_unicode_ci default null,
          timestamp timestamp not null default current_timestamp(),
          ip varchar(41) collate utf8mb4_unicode_ci not null,
          clicks int(10) unsigned not null,
          primary key (keyword), key ip (ip), key timestamp (timestamp), key url_idx (url(30))
        ) default charset=utf8mb4 collate=utf8mb4_bin`);
        await server.query(`create table yourls_log (
          click_id int(11) not null auto_increment,
          click_time datetime not null,
          shorturl varchar(100) binary not null,
          referrer varchar(200) not null,
          user_agent varchar(255) not null,
          ip_address varchar(41) not null,
          country_code char(2) not null,
          primary key (click_id), key shorturl (shorturl)
        ) auto_increment=1 default charset=utf8mb4 collate=utf8mb4_unicode_ci`);
        await server.query(`insert into yourls_url (keyword, url, title, timestamp, ip, clicks) values
          ('ylink1', 'https://example.com/yourls/one', 'One <b>', '2024-03-01 10:00:00', '81.2.69.142', 6),
          ('ylink2', 'https://example.com/yourls/two', '', '2024-03-02 11:30:00', '8.8.8.8', 2),
          ('taken', 'https://example.com/yourls/taken', 'Taken', '2024-03-03 12:00:00', '8.8.8.8', 1)`);
        await logVisit(long, 'ylink1', 'https://news.ycombinator.com/item?id=1', FIREFOX, '81.2.69.142', 'GB');
        await logVisit(long + 300_000, 'ylink1', 'direct', FIREFOX, '81.2.69.142', 'GB');
        await logVisit(recent, 'ylink1', 'https://www.google.com/', CHROME, '8.8.8.8', 'US');
        await logVisit(recent + 1000, 'ylink1', 'direct', GOOGLEBOT, '193.99.144.80', 'DE');
        await logVisit(today, 'ylink1', 'https://t.co/x', IPHONE, '5.39.0.1', 'FR');
        // No IP our GeoIP database knows: the country YOURLS located is taken.
        await logVisit(today, 'ylink1', 'direct', '-', 'unknown', 'JP');
        await logVisit(recent, 'ylink2', 'direct', CHROME, '2001:4860:4860::8888', 'US');
        await logVisit(recent + 2000, 'ylink2', 'direct', CHROME, '2001:4860:4860::8888', 'US');
        // The code is another link's here: its visits are not that link's.
        await logVisit(recent, 'taken', 'direct', CHROME, '8.8.8.8', 'US');
        // A visit of a link YOURLS no longer has.
        await logVisit(recent, 'gone', 'direct', CHROME, '8.8.8.8', 'US');
        const url = new URL(mysqlServerUrl as string);
        url.pathname = `/${name}`;
        source = url.href;
      });
      after(async () => {
        await server?.query(`drop database if exists ${name}`);
        await server?.end();
      });

      it('imports links with their creation times and every visit with its time, IP, referrer and user agent', async () => {
        const other = await run('shorten', 'https://example.com/someone-else', '--code', 'taken');
        assert.equal(other.code, 0, other.stderr);
        const first = await run('import', '--from', 'yourls', source);
        assert.equal(first.code, 1, `a link was refused: ${first.stderr}`);
        assert.match(first.stdout, /^Imported 2 link\(s\); 0 already there; refused 1\.\nImported 8 visit\(s\); 0 already there; skipped 2\.\n/);
        assert.match(first.stdout, /keyword "taken": .*taken/);

        const one = await link('ylink1');
        assert.equal(one?.createdAt, Date.parse('2024-03-01T10:00:00Z'));
        assert.equal(one?.title, 'One <b>');
        assert.equal((await link('ylink2'))?.createdAt, Date.parse('2024-03-02T11:30:00Z'));

        const stats = await report('ylink1');
        // Two visits by one visitor on the long-closed day, two a few days ago, two today.
        assert.deepEqual(stats.totals, { clicks: 6, humanClicks: 5, botClicks: 1, uniqueVisitors: 5 });
        assert.deepEqual(byKey(stats.countries), { GB: 2, US: 1, DE: 1, FR: 1, JP: 1 });
        assert.deepEqual(byKey(stats.referrers), { null: 3, 'news.ycombinator.com': 1, 'www.google.com': 1, 't.co': 1 });
        assert.equal(byKey(stats.browsers).Firefox, 2);
        assert.equal(byKey(stats.devices).bot, 1);
        const perDay = Object.fromEntries(stats.timeseries.filter((b) => b.clicks > 0).map((b) => [b.t.slice(0, 10), b.clicks]));
        const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
        assert.deepEqual(perDay, { [dayOf(long)]: 2, [dayOf(recent)]: 2, [dayOf(today)]: 2 });
        // Filtered reports read the raw clicks: the same answer.
        assert.equal((await report('ylink1', { country: 'GB' })).totals.uniqueVisitors, 1);

        const rows = await exported('ylink1');
        assert.deepEqual(rows.map((r) => r.at).sort(), [long, long + 300_000, recent, recent + 1000, today, today].map((t) => new Date(t).toISOString()).sort());
        const visit = rows.find((r) => r.at === new Date(long).toISOString());
        assert.equal(visit?.ip, '81.2.69.142');
        assert.equal(visit?.referrer, 'https://news.ycombinator.com/item?id=1');
        assert.equal(visit?.userAgent, FIREFOX);
        assert.equal(visit?.target, 'https://example.com/yourls/one');
        const unknown = rows.find((r) => r.country === 'JP');
        assert.equal(unknown?.userAgent, '', 'YOURLS writes "-" for no user agent');
        assert.equal(one?.clicks, 6, 'the link\'s count');
        assert.equal((await report('taken')).totals.clicks, 0);
        // The salt the long-past day's visitor ids were made with is gone: they cannot be linked to an IP.
        const storage = openStorage(database.url);
        try {
          assert.equal(await storage.salts.saltForDay(new Date(long).toISOString().slice(0, 10), 'probe'), 'probe');
        } finally {
          await storage.close();
        }
      });

      it('imports nothing twice, and a later run (or one after a crash) only what is new', async () => {
        const before = await report('ylink1');
        const second = await run('import', '--from', 'yourls', source);
        assert.match(second.stdout, /^Imported 0 link\(s\); 2 already there; refused 1\.\nImported 0 visit\(s\); 8 already there; skipped 2\.\n/);
        assert.deepEqual(await report('ylink1'), before);

        await logVisit(recent + 5000, 'ylink2', 'https://duckduckgo.com/', FIREFOX, '1.1.1.1', 'AU');
        const third = await run('import', '--from', 'yourls', source);
        assert.match(third.stdout, /Imported 1 visit\(s\); 8 already there; skipped 2\./);
        const two = await report('ylink2');
        assert.deepEqual(byKey(two.countries), { US: 2, AU: 1 });
        assert.equal(two.totals.uniqueVisitors, 2);
      });

      // Errors are the CLI's, whatever database LinkPulse runs on.
      it('says in one line when the database cannot be read', { skip: kind.name !== 'sqlite' && 'once is enough' }, async () => {
        const wrongPrefix = await run('import', '--from', 'yourls', source, '--table-prefix', 'nope_');
        assert.notEqual(wrongPrefix.code, 0);
        assert.match(wrongPrefix.stderr.trim(), /^linkpulse: reading YOURLS's database at .* failed: .*nope_url.*--table-prefix\)$/);
        const notMysql = await run('import', '--from', 'yourls', 'https://example.com');
        assert.match(notMysql.stderr.trim(), /^linkpulse: the YOURLS source is its database URL: mysql:/);
      });
    });

    describe('from a Shlink server', () => {
      let shlink: Server;
      let base: string;
      const requests: URL[] = [];
      // Shlink's REST API v3 as documented (docs/swagger): short URLs and visits, paged.
      const shortUrls = [
        { shortCode: 'sh1', shortUrl: 'https://s.test/sh1', longUrl: 'https://example.com/shlink/one', dateCreated: '2023-05-06T09:10:11+02:00', visitsCount: 7,
          tags: ['launch', 'q3'], meta: { validSince: null, validUntil: null, maxVisits: null }, domain: null, title: 'Shlink one', crawlable: false, forwardQuery: true },
        { shortCode: 'sh2', shortUrl: 'https://s.test/sh2', longUrl: 'https://example.com/shlink/two', dateCreated: '2023-06-01T00:00:00+00:00', visitsCount: 1,
          tags: [], meta: { validSince: null, validUntil: null, maxVisits: null }, domain: null, title: null, crawlable: false, forwardQuery: true },
        { shortCode: 'sh3', shortUrl: 'https://other.test/sh3', longUrl: 'https://example.com/shlink/three', dateCreated: '2023-07-01T12:00:00Z', visitsCount: 0,
          tags: ['other'], meta: { validSince: null, validUntil: null, maxVisits: null }, domain: 'other.test', title: null, crawlable: false, forwardQuery: true },
      ];
      const location = (countryCode: string, cityName: string) => ({ countryCode, countryName: countryCode, regionName: '', cityName, latitude: 0, longitude: 0, timezone: '', isEmpty: false });
      const shlinkDate = (ms: number) => new Date(ms + 2 * 3600_000).toISOString().slice(0, 19) + '+02:00';
      const visits: Record<string, object[]> = {
        sh1: [
          // Newest first, as Shlink lists them; two identical visits in one second.
          { referer: 'https://t.co/abc', date: shlinkDate(today), userAgent: IPHONE, visitLocation: location('DE', 'Berlin'), potentialBot: false, visitedUrl: 'https://s.test/sh1?utm_source=newsletter' },
          { referer: '', date: shlinkDate(recent), userAgent: FIREFOX, visitLocation: location('FR', 'Paris'), potentialBot: false, visitedUrl: 'https://s.test/sh1' },
          { referer: '', date: shlinkDate(recent), userAgent: FIREFOX, visitLocation: location('FR', 'Paris'), potentialBot: false, visitedUrl: 'https://s.test/sh1' },
          { referer: 'https://www.google.com/', date: shlinkDate(recent - 1000), userAgent: CHROME, visitLocation: location('US', 'Chicago'), potentialBot: false, visitedUrl: 'https://s.test/sh1' },
          { referer: '', date: shlinkDate(long + 1000), userAgent: GOOGLEBOT, visitLocation: null, potentialBot: true, visitedUrl: null },
          { referer: '', date: shlinkDate(long), userAgent: CHROME, visitLocation: location('DE', 'Hamburg'), potentialBot: false, visitedUrl: 'https://s.test/sh1' },
          { referer: '', date: shlinkDate(long), userAgent: CHROME, visitLocation: location('Unknown', ''), potentialBot: false, visitedUrl: 'https://s.test/sh1' },
        ],
        sh2: [{ referer: 'https://news.ycombinator.com/', date: shlinkDate(recent), userAgent: CHROME, visitLocation: location('GB', 'London'), potentialBot: false, visitedUrl: 'https://s.test/sh2' }],
        sh3: [],
      };
      const page = <T>(items: readonly T[], url: URL, size: number) => {
        const current = Number(url.searchParams.get('page') ?? 1);
        const pagesCount = Math.ceil(items.length / size);
        const data = items.slice((current - 1) * size, current * size);
        return { data, pagination: { currentPage: current, pagesCount, itemsPerPage: size, itemsInCurrentPage: data.length, totalItems: items.length } };
      };

      before(async () => {
        shlink = createServer((req, res) => {
          const url = new URL(req.url ?? '/', 'http://x');
          requests.push(url);
          const send = (status: number, body: unknown) => void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
          if (req.headers['x-api-key'] !== 'shlink-key') return send(401, { type: 'https://shlink.io/api/error/invalid-api-key', title: 'Invalid API key', status: 401 });
          // This server pages by two short URLs and three visits, whatever is asked: more pages to follow.
          if (url.pathname === '/rest/v3/short-urls') return send(200, { shortUrls: page(shortUrls, url, 2) });
          const visitsOf = /^\/rest\/v3\/short-urls\/([^/]+)\/visits$/.exec(url.pathname)?.[1];
          const list = visitsOf === undefined ? undefined : visits[decodeURIComponent(visitsOf)];
          if (list === undefined) return send(404, { title: 'Short URL not found', status: 404 });
          return send(200, { visits: page(list, url, 3) });
        });
        await new Promise<void>((resolve) => shlink.listen(0, '127.0.0.1', resolve));
        base = `http://127.0.0.1:${(shlink.address() as AddressInfo).port}`;
      });
      after(() => shlink.close());

      it('imports its short URLs with tags and creation times, and their visits, over several pages', async () => {
        const first = await run('import', '--from', 'shlink', base, '--api-key', 'shlink-key');
        assert.equal(first.code, 0, first.stderr + first.stdout);
        assert.match(first.stdout, /^Imported 3 link\(s\); 0 already there; refused 0\.\nImported 8 visit\(s\); 0 already there; skipped 0\.\n/);
        const one = await link('sh1');
        assert.deepEqual([one?.createdAt, one?.title, [...(one?.tags ?? [])].sort()], [Date.parse('2023-05-06T07:10:11Z'), 'Shlink one', ['launch', 'q3']]);
        assert.deepEqual((await link('sh3'))?.tags, ['other']);
        assert.ok(requests.some((u) => u.pathname === '/rest/v3/short-urls/sh3/visits' && u.searchParams.get('domain') === 'other.test'));
        assert.ok(requests.filter((u) => u.pathname === '/rest/v3/short-urls/sh1/visits').every((u) => u.searchParams.get('endDate') !== null));
        assert.equal(requests.filter((u) => u.pathname === '/rest/v3/short-urls/sh1/visits').length, 3);

        const stats = await report('sh1');
        assert.equal(stats.totals.clicks, 7);
        assert.equal(stats.totals.botClicks, 1);
        // No IPs: the countries and cities Shlink located.
        assert.deepEqual(byKey(stats.countries), { DE: 2, FR: 2, US: 1, null: 2 });
        assert.deepEqual(byKey(stats.cities), { Berlin: 1, Hamburg: 1, Paris: 2, Chicago: 1, null: 2 });
        assert.deepEqual(byKey(stats.utmSources), { newsletter: 1, null: 6 });
        assert.deepEqual(byKey(stats.referrers), { null: 5, 't.co': 1, 'www.google.com': 1 });
        const rows = await exported('sh1');
        assert.equal(rows.length, 7);
        assert.equal(rows.filter((r) => r.at === new Date(recent).toISOString()).length, 2, 'identical visits are two clicks');
        assert.ok(rows.every((r) => r.ip === ''));
        assert.equal((await report('sh2')).totals.clicks, 1);
      });

      it('imports nothing twice', async () => {
        const before = await report('sh1');
        const second = await run('import', '--from', 'shlink', base, '--api-key', 'shlink-key');
        assert.match(second.stdout, /^Imported 0 link\(s\); 3 already there; refused 0\.\nImported 0 visit\(s\); 8 already there; skipped 0\.\n/);
        assert.deepEqual(await report('sh1'), before);
        if (kind.name !== 'sqlite') return;
        const wrongKey = await run('import', '--from', 'shlink', base, '--api-key', 'nope');
        assert.match(wrongKey.stderr.trim(), /^linkpulse: Shlink answered 401 .*--api-key$/);
      });
    });

    it('keeps the creation time of a Bitly export\'s links', { skip: kind.name !== 'sqlite' && 'links only: once is enough' }, async () => {
      const file = `${dir.path}/bitly.csv`;
      writeFileSync(file, [
        'id,link,custom_bitlinks,long_url,title,tags,created_at,archived',
        'bit.ly/3xYz,https://bit.ly/3xYz,,https://example.com/bitly/one,One,"launch|q3",2024-01-02T03:04:05+0000,false',
        'bit.ly/4abc,https://bit.ly/4abc,,https://example.com/bitly/two,,,not a time,false',
        'bit.ly/5\u001b[2J,https://bit.ly/5%1B%5B2J,,https://example.com/bitly/three,,,,false',
      ].join('\n'));
      const result = await run('import', '--from', 'bitly', file);
      assert.match(result.stdout, /^Imported 2 link\(s\); 0 already there; refused 1\.\n/);
      assert.ok(!result.stdout.includes('\u001b'), 'what the file holds never reaches the terminal as control characters');
      assert.equal((await link('3xYz'))?.createdAt, Date.parse('2024-01-02T03:04:05Z'));
      const two = await link('4abc');
      assert.ok(two !== undefined && two.createdAt >= now, 'no time: created now');
    });
  });
}
