import { DEFAULT_DOMAIN } from '../../core/links/link-key.js';
import { shortUrlOf } from '../../core/links/link-view.js';
import type { Click } from '../../core/clicks/click.js';
import type { CreateLinkInput, UpdateLinkInput } from '../../core/links/link-input.js';
import type { Link } from '../../core/links/link.js';
import type { LinkOrder } from '../../core/links/link-store.js';
import type { OrphanType, OrphanVisit } from '../../core/orphans/orphan-visit.js';
import { ShlinkError, shlinkProblems } from './shlink-problem.js';

// Pure translations between Shlink's REST API v3 shapes and LinkPulse's.

/** Shlink writes times as ISO 8601 with an offset and whole seconds. */
export function shlinkDate(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

export interface VisitsSummary {
  total: number;
  nonBots: number;
  bots: number;
}

const SHLINK_DEFAULT_DOMAIN = 'DEFAULT';

export const visitsSummary = (total: number, bots: number): VisitsSummary => ({ total, nonBots: total - bots, bots });

export function toShortUrl(link: Link, botClicks: number, baseUrl: string) {
  return {
    shortCode: link.code,
    shortUrl: shortUrlOf(link, baseUrl),
    longUrl: link.url,
    dateCreated: shlinkDate(link.createdAt),
    visitsSummary: visitsSummary(link.clicks, botClicks),
    tags: [...link.tags],
    meta: { validSince: null, validUntil: link.expiresAt === null ? null : shlinkDate(link.expiresAt), maxVisits: link.maxClicks },
    // Shlink calls the default domain null.
    domain: link.domain === DEFAULT_DOMAIN ? null : link.domain,
    title: link.title,
    crawlable: false,
    forwardQuery: true,
    hasRedirectRules: link.rules.length > 0,
  };
}

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });

function countryName(code: string | null): string | null {
  if (code === null) return null;
  try {
    return regionNames.of(code) ?? null;
  } catch {
    return null;
  }
}

type Located = Pick<Click, 'country' | 'region' | 'city'>;

/** Shlink's location of a visit; null when the GeoIP database told nothing. */
export function visitLocation(visit: Located) {
  if (visit.country === null && visit.region === null && visit.city === null) return null;
  return {
    countryCode: visit.country, countryName: countryName(visit.country), regionName: visit.region, cityName: visit.city,
    latitude: null, longitude: null, timezone: null, isEmpty: false,
  };
}

type Visited = Located & Pick<Click, 'at' | 'referrer' | 'userAgent' | 'bot'>;

function visitOf(visit: Visited, visitedUrl: string) {
  return {
    referer: visit.referrer ?? '',
    date: shlinkDate(visit.at),
    userAgent: visit.userAgent ?? '',
    visitLocation: visitLocation(visit),
    potentialBot: visit.bot,
    visitedUrl,
  };
}

/** A click as Shlink's visit: the short URL it came to, the URL it was sent to. */
export function toVisit(click: Click, shortUrl: string) {
  return { ...visitOf(click, shortUrl), redirectUrl: click.target };
}

/** LinkPulse's orphan type as Shlink names it, and back. */
export const SHLINK_ORPHAN_TYPES: Readonly<Record<OrphanType, string>> = { base_url: 'base_url', invalid_code: 'invalid_short_url', regular_404: 'regular_404' };

export function orphanTypeOf(shlinkType: string | undefined): OrphanType | undefined {
  if (shlinkType === undefined) return undefined;
  const found = (Object.entries(SHLINK_ORPHAN_TYPES) as [OrphanType, string][]).find(([, name]) => name === shlinkType);
  if (found === undefined) throw new ShlinkError(shlinkProblems.invalidData(['type']));
  return found[0];
}

export function toOrphanVisit(visit: OrphanVisit, baseUrl: string) {
  return { ...visitOf(visit, `${baseUrl}${visit.path === '/' ? '' : visit.path}`), redirectUrl: null, type: SHLINK_ORPHAN_TYPES[visit.type] };
}

/** Shlink's pagination of a numbered page. */
export function pagination(page: number, itemsPerPage: number, itemsInCurrentPage: number, totalItems: number) {
  return { currentPage: page, pagesCount: Math.ceil(totalItems / itemsPerPage), itemsPerPage, itemsInCurrentPage, totalItems };
}

/** `page` (from 1) and `itemsPerPage` (-1: as many as allowed) as an offset and a limit. */
export function pageWindow(page: number | undefined, itemsPerPage: number | undefined, perPageByDefault: number, most: number) {
  const wanted = itemsPerPage === undefined ? perPageByDefault : itemsPerPage === -1 ? most : itemsPerPage;
  const invalid = [...(page !== undefined && page < 1 ? ['page'] : []), ...(wanted < 1 || wanted > most ? ['itemsPerPage'] : [])];
  if (invalid.length > 0) throw new ShlinkError(shlinkProblems.invalidData(invalid, `page must be 1 or more; itemsPerPage from 1 to ${most}, or -1`));
  const current = page ?? 1;
  return { page: current, limit: wanted, offset: (current - 1) * wanted };
}

const ORDER_FIELDS: Readonly<Record<string, LinkOrder>> = {
  dateCreated: 'created', shortCode: 'code', longUrl: 'url', title: 'title', visits: 'clicks', nonBotVisits: 'humanClicks',
};

/** `orderBy=visits-DESC`; Shlink's default is the newest first. */
export function linkOrderOf(orderBy: string | undefined): { order: LinkOrder; descending: boolean } {
  if (orderBy === undefined) return { order: 'created', descending: true };
  const [field = '', direction = 'ASC'] = orderBy.split('-');
  const order = ORDER_FIELDS[field];
  if (order === undefined || (direction !== 'ASC' && direction !== 'DESC')) throw new ShlinkError(shlinkProblems.invalidData(['orderBy']));
  return { order, descending: direction === 'DESC' };
}

export interface ShlinkEdit {
  readonly longUrl?: string | undefined;
  readonly title?: string | null | undefined;
  readonly tags?: string[] | undefined;
  readonly validSince?: string | null | undefined;
  readonly validUntil?: string | null | undefined;
  readonly maxVisits?: number | null | undefined;
  readonly crawlable?: boolean | undefined;
  readonly forwardQuery?: boolean | undefined;
}

export interface ShlinkCreate extends ShlinkEdit {
  readonly longUrl: string;
  readonly customSlug?: string | undefined;
  readonly findIfExists?: boolean | undefined;
  readonly domain?: string | undefined;
  readonly shortCodeLength?: number | undefined;
  readonly pathPrefix?: string | undefined;
}

/** What LinkPulse cannot do as asked: a start date, crawling rules, a query that is not forwarded. */
function unsupported(body: ShlinkCreate | ShlinkEdit): string[] {
  const create = body as Partial<ShlinkCreate>;
  return [
    ...(body.validSince != null ? ['validSince'] : []),
    ...(body.crawlable === true ? ['crawlable'] : []),
    ...(body.forwardQuery === false ? ['forwardQuery'] : []),
    ...(create.findIfExists === true ? ['findIfExists'] : []),
    ...(create.pathPrefix ? ['pathPrefix'] : []),
  ];
}

/** A Shlink client's domain: its host, or none for the default (Shlink also spells it DEFAULT). */
export function shlinkDomain(domain: string | undefined): string | undefined {
  return domain === SHLINK_DEFAULT_DOMAIN ? undefined : domain;
}

export function createInput(body: ShlinkCreate): CreateLinkInput {
  const refused = unsupported(body);
  if (refused.length > 0) throw new ShlinkError(shlinkProblems.invalidData(refused, `LinkPulse does not support ${refused.join(', ')} as given`));
  return {
    url: body.longUrl,
    ...(body.customSlug !== undefined && { code: body.customSlug }),
    ...(shlinkDomain(body.domain) !== undefined && { domain: body.domain }),
    ...(body.title != null && { title: body.title }),
    ...(body.tags !== undefined && { tags: body.tags }),
    ...(body.validUntil != null && { expiresAt: body.validUntil }),
    ...(body.maxVisits != null && { maxClicks: body.maxVisits }),
  };
}

export function editInput(body: ShlinkEdit): UpdateLinkInput {
  const refused = unsupported(body);
  if (refused.length > 0) throw new ShlinkError(shlinkProblems.invalidData(refused, `LinkPulse does not support ${refused.join(', ')} as given`));
  return {
    ...(body.longUrl !== undefined && { url: body.longUrl }),
    ...(body.title !== undefined && { title: body.title }),
    ...(body.tags !== undefined && { tags: body.tags }),
    ...(body.validUntil !== undefined && { expiresAt: body.validUntil }),
    ...(body.maxVisits !== undefined && { maxClicks: body.maxVisits }),
  };
}
