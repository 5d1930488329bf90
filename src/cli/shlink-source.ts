import { createHash } from 'node:crypto';
import type { SourceVisit } from '../core/clicks/click-import.js';
import { sourceTime } from './import-formats.js';
import type { ImportItem, VisitOfLink } from './import-items.js';

const LINKS_PER_PAGE = 50;
const VISITS_PER_PAGE = 500;

// What Shlink answers is not ours to trust: every field read is checked, hence `unknown`.
interface ShlinkPage<T> {
  readonly data?: readonly T[];
  readonly pagination?: { readonly pagesCount?: unknown; readonly totalItems?: unknown };
}

interface ShlinkShortUrl {
  readonly shortCode?: unknown;
  readonly longUrl?: unknown;
  readonly dateCreated?: unknown;
  readonly title?: unknown;
  readonly tags?: unknown;
  readonly domain?: unknown;
}

interface ShlinkVisit {
  readonly date?: unknown;
  readonly referer?: unknown;
  readonly userAgent?: unknown;
  readonly visitedUrl?: unknown;
  readonly visitLocation?: { readonly countryCode?: unknown; readonly cityName?: unknown } | null;
}

/**
 * A Shlink server through its REST API v3 (`X-Api-Key`): its short URLs (`/rest/v3/short-urls`,
 * paged) and each one's visits (`/rest/v3/short-urls/{shortCode}/visits`, paged), up to the moment
 * the import began, so visits arriving meanwhile do not shift the pages. Shlink's API gives no IPs:
 * the country and city are the ones it located, and visitors are told apart by user agent only.
 * Its visits have no id either: a visit's key is a hash of what Shlink tells of it, numbered among
 * the identical ones of its link (visits of one second, from one browser and referrer).
 */
export async function* shlinkItems(baseUrl: string, apiKey: string): AsyncGenerator<ImportItem> {
  if (!URL.canParse(baseUrl) || !/^https?:$/.test(new URL(baseUrl).protocol)) {
    throw new Error(`the Shlink source must be its base URL, e.g. https://shlink.example (got "${baseUrl}")`);
  }
  const get = getter(baseUrl, apiKey);
  const until = new Date().toISOString();
  const origin = new URL(baseUrl).host;
  for (let page = 1, pages = 1; page <= pages; page++) {
    const list = (await get('/rest/v3/short-urls', { page: String(page), itemsPerPage: String(LINKS_PER_PAGE) }) as { shortUrls?: ShlinkPage<ShlinkShortUrl> }).shortUrls;
    pages = count(list?.pagination?.pagesCount);
    if (page === 1) yield { kind: 'expect', count: count(list?.pagination?.totalItems) };
    for (const [i, shortUrl] of (list?.data ?? []).entries()) {
      const where = `short URL ${(page - 1) * LINKS_PER_PAGE + i + 1}`;
      const { shortCode, longUrl } = shortUrl;
      if (typeof shortCode !== 'string' || typeof longUrl !== 'string') {
        yield { kind: 'link', where, row: { refused: 'a Shlink short URL has a string shortCode and longUrl' } };
        continue;
      }
      const domain = typeof shortUrl.domain === 'string' && shortUrl.domain !== '' ? shortUrl.domain : undefined;
      const title = typeof shortUrl.title === 'string' && shortUrl.title.trim() !== '' ? shortUrl.title : undefined;
      const tags = Array.isArray(shortUrl.tags) ? shortUrl.tags.filter((t): t is string => typeof t === 'string') : [];
      const createdAt = typeof shortUrl.dateCreated === 'string' ? sourceTime(shortUrl.dateCreated) : undefined;
      yield { kind: 'link', where, row: { link: { url: longUrl, code: shortCode, title, tags }, createdAt } };
      yield* visitItems(get, { origin, domain, shortCode, longUrl, until });
    }
  }
}

/** The visits of one short URL, a page at a time. */
async function* visitItems(
  get: ReturnType<typeof getter>,
  link: { origin: string; domain: string | undefined; shortCode: string; longUrl: string; until: string },
): AsyncGenerator<ImportItem> {
  const path = `/rest/v3/short-urls/${encodeURIComponent(link.shortCode)}/visits`;
  const source = `shlink:${link.origin}/${link.domain ?? ''}/${link.shortCode}`;
  // Identical visits are listed together (Shlink lists them newest first, so they share a second).
  let second = '';
  let seen = new Map<string, number>();
  for (let page = 1, pages = 1; page <= pages; page++) {
    const query: Record<string, string> = { page: String(page), itemsPerPage: String(VISITS_PER_PAGE), endDate: link.until };
    if (link.domain !== undefined) query.domain = link.domain;
    const list = (await get(path, query) as { visits?: ShlinkPage<ShlinkVisit> }).visits;
    pages = count(list?.pagination?.pagesCount);
    if (page === 1) yield { kind: 'expect', count: count(list?.pagination?.totalItems) };
    const visits: VisitOfLink[] = [];
    for (const visit of list?.data ?? []) {
      const date = typeof visit.date === 'string' ? visit.date : '';
      if (date !== second) [second, seen] = [date, new Map()];
      const fingerprint = fingerprintOf(visit);
      const n = seen.get(fingerprint) ?? 0;
      seen.set(fingerprint, n + 1);
      visits.push({ code: link.shortCode, url: link.longUrl, visit: visitOf(`${source}#${fingerprint}.${n}`, visit) });
    }
    if (visits.length > 0) yield { kind: 'visits', visits };
  }
}

function visitOf(key: string, visit: ShlinkVisit): SourceVisit {
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);
  const visitedUrl = text(visit.visitedUrl);
  return {
    key,
    at: typeof visit.date === 'string' ? sourceTime(visit.date) ?? Number.NaN : Number.NaN,
    ip: null,
    referrer: text(visit.referer),
    userAgent: text(visit.userAgent),
    // The short URL as visited, with the query string its campaign tags came in.
    search: visitedUrl !== null && URL.canParse(visitedUrl) ? new URL(visitedUrl).search : '',
    place: { country: text(visit.visitLocation?.countryCode), city: text(visit.visitLocation?.cityName) },
  };
}

function fingerprintOf(visit: ShlinkVisit): string {
  const parts = [visit.date, visit.referer, visit.userAgent, visit.visitedUrl, visit.visitLocation?.countryCode, visit.visitLocation?.cityName];
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 16);
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : 0;
}

function getter(baseUrl: string, apiKey: string) {
  return async (path: string, query: Record<string, string>): Promise<unknown> => {
    const url = new URL(path, baseUrl);
    url.search = new URLSearchParams(query).toString();
    const res = await fetch(url, { headers: { 'x-api-key': apiKey, accept: 'application/json' } }).catch((error: unknown) => {
      throw new Error(`cannot reach Shlink at ${url.origin}: ${error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error)}`);
    });
    if (!res.ok) throw new Error(`Shlink answered ${res.status} for ${url.pathname}${res.status === 401 ? ': check --api-key' : ''}`);
    return res.json().catch(() => {
      throw new Error(`Shlink answered ${url.pathname} with something other than JSON`);
    });
  };
}
