import { createConnection, type RowDataPacket } from 'mysql2/promise';
import type { SourceVisit } from '../core/clicks/click-import.js';
import type { ImportItem, VisitOfLink } from './import-items.js';

const LINKS_PER_PAGE = 1000;
const VISITS_PER_PAGE = 5000;

interface UrlRow extends RowDataPacket {
  keyword: string;
  url: string;
  title: string | null;
  timestamp: string | null;
}

interface LogRow extends RowDataPacket {
  click_id: number;
  click_time: string | null;
  shorturl: string;
  referrer: string | null;
  user_agent: string | null;
  ip_address: string | null;
  country_code: string | null;
}

/**
 * A YOURLS database (`mysql://user:pass@host:port/db`): its links from `<prefix>url` (keyword, url,
 * title, timestamp), then every visit of its click log `<prefix>log` (click_id, click_time,
 * shorturl, referrer, user_agent, ip_address, country_code), a page at a time by click_id. YOURLS
 * writes its times in UTC; a visit's key is the database and its click_id.
 */
export async function* yourlsItems(databaseUrl: string, prefix: string): AsyncGenerator<ImportItem> {
  const target = parseMysqlUrl(databaseUrl);
  if (!/^[A-Za-z0-9_]{0,64}$/.test(prefix)) throw new Error(`--table-prefix takes letters, digits and _ (got "${prefix}")`);
  const urls = `\`${prefix}url\``;
  const log = `\`${prefix}log\``;
  const db = await createConnection({ ...target.options, dateStrings: true, charset: 'utf8mb4' }).catch((error: unknown) => {
    throw new Error(`cannot reach YOURLS's database at ${target.where}: ${reasonOf(error)}`);
  });
  const read = async <T extends RowDataPacket>(statement: string, values: unknown[]): Promise<T[]> => {
    try {
      return (await db.query<T[]>(statement, values))[0];
    } catch (error) {
      const hint = (error as { code?: unknown }).code === 'ER_NO_SUCH_TABLE' ? ` (are its tables named ${prefix}url and ${prefix}log? see --table-prefix)` : '';
      throw new Error(`reading YOURLS's database at ${target.where} failed: ${reasonOf(error)}${hint}`);
    }
  };
  try {
    const [links] = await read<RowDataPacket>(`select count(*) as n from ${urls}`, []);
    const [visits] = await read<RowDataPacket>(`select count(*) as n from ${log}`, []);
    yield { kind: 'expect', count: Number(links?.n ?? 0) + Number(visits?.n ?? 0) };
    // Keyset pages: a million links or visits never sit in memory, and no page is read twice.
    for (let after: string | undefined = ''; after !== undefined;) {
      const page: UrlRow[] = await read<UrlRow>(`select keyword, url, title, timestamp from ${urls} where keyword > ? order by keyword limit ?`, [after, LINKS_PER_PAGE]);
      for (const row of page) {
        const title = row.title?.trim() ? row.title : undefined;
        yield { kind: 'link', where: `keyword "${row.keyword}"`, row: { link: { url: row.url, code: row.keyword, title }, createdAt: utcTime(row.timestamp) } };
      }
      after = page.at(-1)?.keyword;
    }

    const source = `yourls:${target.where}/${prefix}`;
    for (let after: number | undefined = 0; after !== undefined;) {
      const page: LogRow[] = await read<LogRow>(`select click_id, click_time, shorturl, referrer, user_agent, ip_address, country_code from ${log} where click_id > ? order by click_id limit ?`, [after, VISITS_PER_PAGE]);
      if (page.length === 0) break;
      // The targets of the page's links, to tell their LinkPulse links (the same code and target).
      const keywords = [...new Set(page.map((row) => row.shorturl))];
      const targets = new Map((await read<UrlRow>(`select keyword, url from ${urls} where keyword in (?)`, [keywords])).map((row) => [row.keyword, row.url]));
      yield { kind: 'visits', visits: page.map((row): VisitOfLink => ({ code: row.shorturl, url: targets.get(row.shorturl) ?? null, visit: visitOf(source, row) })) };
      after = page.at(-1)?.click_id;
    }
  } finally {
    await db.end().catch(() => undefined);
  }
}

function visitOf(source: string, row: LogRow): SourceVisit {
  return {
    key: `${source}#${row.click_id}`,
    at: utcTime(row.click_time) ?? Number.NaN,
    ip: row.ip_address,
    // YOURLS writes "direct" for no referrer and "-" for no user agent.
    referrer: row.referrer === 'direct' ? null : row.referrer,
    userAgent: row.user_agent === '-' ? null : row.user_agent,
    place: { country: row.country_code },
  };
}

/** "2024-05-06 07:08:09", as YOURLS writes times (in UTC), as epoch ms. */
function utcTime(text: string | null): number | undefined {
  if (text === null || !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(text)) return undefined;
  const ms = Date.parse(`${text.replace(' ', 'T')}Z`);
  return Number.isFinite(ms) ? ms : undefined;
}

/** The connection's options from the URL, and how to name the server without its password. */
function parseMysqlUrl(text: string): { options: Parameters<typeof createConnection>[0] & object; where: string } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error('the YOURLS source is its database URL: mysql://user:password@host:port/database');
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (url.protocol !== 'mysql:' || url.hostname === '' || database === '') {
    throw new Error('the YOURLS source is its database URL: mysql://user:password@host:port/database');
  }
  const port = url.port === '' ? 3306 : Number(url.port);
  return {
    options: { host: url.hostname.replace(/^\[|\]$/g, ''), port, user: decodeURIComponent(url.username), password: decodeURIComponent(url.password), database },
    where: `${url.hostname}:${port}/${database}`,
  };
}

function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  const message = error.message.split('\n')[0] ?? '';
  return message === '' && typeof code === 'string' ? code : message;
}


