// The yardstick: "a plain server with group commit and uncached enrichment". node:http, a
// Map of links, each request's user agent parsed anew, GeoIP, an HMAC visitor id, and every click
// that arrives in the same turn of the event loop stored in one SQLite transaction before its 302.
// As cheap as such a server can honestly be: one table, no index, no rollups, no metrics.
// PLAIN_CACHE_AGENTS=1 keeps each user agent's parse in a Map: the least a server that enriches and
// stores every click can do.
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import Database from 'better-sqlite3';
import { isbot } from 'isbot';
import { Reader } from 'maxmind';
import UAParser from 'ua-parser-js';

const require = createRequire(import.meta.url);
const db = new Database(process.env.PLAIN_DB);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec(`create table clicks (id integer primary key, link_id integer, at integer, ip text, country text, browser text,
  os text, device text, bot integer, referrer text, referrer_host text, language text, user_agent text, visitor_id text)`);
const insert = db.prepare('insert into clicks values (null, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
const store = db.transaction((rows) => { for (const row of rows) insert.run(row); });

const links = new Map(readFileSync(process.env.PLAIN_CODES, 'utf8').trim().split('\n')
  .map((code, i) => [code, { id: i + 1, url: `https://example.com/landing/${code}?src=bench` }]));
const geoip = new Reader(readFileSync(require.resolve('@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb')));
const salt = randomBytes(32);

let waiting = [];
function commit() {
  const batch = waiting;
  waiting = [];
  store(batch.map((w) => w.row));
  for (const { res, url } of batch) {
    res.writeHead(302, { location: url, 'cache-control': 'private, no-store' });
    res.end();
  }
}

const agents = process.env.PLAIN_CACHE_AGENTS ? new Map() : undefined;
function parsedAgent(agent) {
  let parsed = agents?.get(agent);
  if (!parsed) {
    parsed = { ...new UAParser(agent).getResult(), bot: isbot(agent) };
    agents?.set(agent, parsed);
  }
  return parsed;
}

function hostOf(referrer) {
  try { return new URL(referrer).hostname; } catch { return null; }
}

const server = http.createServer((req, res) => {
  const link = links.get(req.url.slice(1).split('?')[0]);
  if (!link) {
    res.writeHead(404).end();
    return;
  }
  const agent = req.headers['user-agent'] ?? '';
  const ip = (req.headers['x-forwarded-for']?.split(',')[0] ?? req.socket.remoteAddress ?? '').trim();
  const ua = parsedAgent(agent);
  const referrer = req.headers.referer ?? null;
  const language = req.headers['accept-language']?.split(/[,;]/)[0] || null;
  const visitorId = createHmac('sha256', salt).update(`${ip}|${agent}`).digest('base64url').slice(0, 22);
  const row = [link.id, Date.now(), ip, geoip.get(ip)?.country_code ?? null, ua.browser.name ?? null, ua.os.name ?? null,
    ua.device.type ?? 'desktop', ua.bot ? 1 : 0, referrer, referrer && hostOf(referrer), language, agent, visitorId];
  if (waiting.push({ res, url: link.url, row }) === 1) setImmediate(commit);
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`{"url":"http://127.0.0.1:${server.address().port}"}\n`);
});
