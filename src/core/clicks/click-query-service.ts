import { clickMatches, parseFilters, refuseUnknown, withStoredDomains, type ClickFilters, type ClickLink } from '../analytics/filters.js';
import { checkBots, parseTimeParam } from '../analytics/range.js';
import { hostOfDomain, type LinkKey } from '../links/link-key.js';
import type { Link } from '../links/link.js';
import type { LinkService } from '../links/link-service.js';
import type { Clock } from '../shared/clock.js';
import { ValidationError } from '../shared/errors.js';
import { FieldErrors } from '../shared/field-errors.js';
import { decodeCursor, pageOf, type Page } from '../shared/page.js';
import { CLICK_CSV_HEADER } from './click-csv.js';
import type { Click, ClickRecorded } from './click.js';
import { toClickView, type ClickView } from './click-view.js';
import type { BotFilter, ClickStore, ExportFormat } from './click-store.js';

// Rows a page. A page comes as one string: under ~128 KB it stays in V8's young generation, gone at
// the next scavenge; 4 000-row CSV pages (~1 MB) went to the large-object space and piled up until a
// full collection (bench export by hand: RSS +35 MB at 370 k rows/s, flat at 311 k). An NDJSON line
// carries its keys too: about twice a CSV row.
const PAGE_ROWS: Record<ExportFormat, number> = { csv: 500, ndjson: 250 };

// A live stream resuming after a lost connection catches up on at most this many missed clicks, found
// among at most this many stored since; past that it starts afresh (a page refetches its figures).
const CATCH_UP_CLICKS = 1000;
const CATCH_UP_WINDOW = 100_000;

export interface ClickRangeRequest {
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly bots?: string | undefined;
  /** Filters: one parameter per dimension (filters.ts). */
  readonly [filter: string]: unknown;
}

export interface ClickRange {
  readonly from: number;
  readonly to: number;
  readonly bots: BotFilter | undefined;
  readonly filters: ClickFilters;
}

export const RANGE_PARAMETERS = ['from', 'to', 'bots'];
export const PAGE_PARAMETERS = [...RANGE_PARAMETERS, 'limit', 'cursor'];
export const EXPORT_PARAMETERS = [...RANGE_PARAMETERS, 'format'];

export interface ClickPageRequest extends ClickRangeRequest {
  readonly limit: number;
  readonly cursor?: string | undefined;
}

/** The raw click log of a link: pages for the API, a stream of chunks for exports. */
export class ClickQueryService {
  constructor(
    private readonly clicks: ClickStore,
    private readonly links: LinkService,
    private readonly clock: Clock,
    /** The default domain's host (the base URL's): how the `domain` filter names it. */
    private readonly domain: string,
  ) {}

  async page(key: LinkKey, request: ClickPageRequest): Promise<Page<ClickView>> {
    const range = this.range(request, PAGE_PARAMETERS);
    const before = request.cursor === undefined ? undefined : decodeCursor(request.cursor);
    if (request.cursor !== undefined && before === undefined) throw ValidationError.field('cursor', 'is not a cursor this API gave out');
    const link = await this.links.find(key);
    const rows = await this.clicks.list({ linkId: link.id, ...range, limit: request.limit + 1, before });
    const page = pageOf(rows, request.limit, (last) => ({ value: last.at, id: last.id }));
    const host = hostOfDomain(link.domain, this.domain);
    return { items: page.items.map((c) => toClickView(c, link.code, host)), nextCursor: page.nextCursor };
  }

  /** A numbered page of a link's clicks, newest first: `offset` clicks skipped (read, so keep it small). */
  async numberedPage(key: LinkKey, request: ClickRangeRequest & { readonly offset: number; readonly limit: number }): Promise<{ link: Link; items: Click[] }> {
    const { offset, limit, ...rest } = request;
    const range = this.range(rest, RANGE_PARAMETERS);
    const link = await this.links.find(key);
    return { link, items: await this.clicks.list({ linkId: link.id, ...range, limit, offset }) };
  }

  /** Every click of every link stored now, and how many were bots'. */
  totals(): Promise<{ readonly clicks: number; readonly botClicks: number }> {
    return this.clicks.totals();
  }

  /** Checks the request and answers the link and the file's text, a chunk at a time, newest click first. */
  async export(key: LinkKey, request: ClickRangeRequest, format: ExportFormat): Promise<{ link: Link; chunks: AsyncGenerator<string> }> {
    const range = this.range(request, EXPORT_PARAMETERS);
    const link = await this.links.find(key);
    return { link, chunks: this.chunks(link, range, format) };
  }

  // Keyset pages rather than one long cursor: a slow download must not hold the database. The next
  // page is asked for before this one is handed on, so reading and writing out overlap (two at most).
  private async *chunks(link: Link, range: ClickRange, format: ExportFormat): AsyncGenerator<string> {
    if (format === 'csv') yield CLICK_CSV_HEADER;
    const exported = { code: link.code, domain: hostOfDomain(link.domain, this.domain) };
    const limit = PAGE_ROWS[format];
    const page = (before?: { value: number; id: number }) => this.clicks.exportPage({ linkId: link.id, ...range, limit, before }, exported, format);
    let next = page();
    for (;;) {
      const { text, rows, last } = await next;
      const more = rows === limit && last !== undefined;
      if (more) next = page(last);
      if (rows > 0) yield text;
      if (!more) return;
    }
  }

  /**
   * The clicks a live stream (of one link, or of all) missed since the click `afterId`, oldest first,
   * for it to filter as it does live ones; undefined when too many to catch up on one by one.
   */
  missed(afterId: number, linkId?: number): Promise<ClickRecorded[] | undefined> {
    return this.clicks.since(afterId, { linkId, limit: CATCH_UP_CLICKS, window: CATCH_UP_WINDOW });
  }

  /** Checks a live stream's filters; answers whether a click (of a link with `tags`) passes them. */
  liveFilter(request: { readonly bots?: string | undefined; readonly [filter: string]: unknown }): (click: Click, link: ClickLink) => boolean {
    const errors = new FieldErrors();
    refuseUnknown(request, ['bots'], errors);
    const bots = errors.attempt(() => checkBots(request.bots ?? 'include'));
    const filters = withStoredDomains(parseFilters(request, errors), this.domain);
    errors.throwIfAny();
    return (click, link) => (bots === 'include' || click.bot === (bots === 'only')) && clickMatches(filters, click, link);
  }

  private range(request: ClickRangeRequest, known: readonly string[]): ClickRange {
    return parseClickRange(request, known, this.clock.now(), this.domain);
  }
}

/**
 * A click list's range, bots and filters, checked: `known` are the parameters besides the filters;
 * `refuse` names filters that do not apply, and why.
 */
export function parseClickRange(request: ClickRangeRequest, known: readonly string[], now: number, domain: string, refuse: Readonly<Record<string, string>> = {}): ClickRange {
  const errors = new FieldErrors();
  refuseUnknown(request, known, errors);
  for (const [name, why] of Object.entries(refuse)) if (request[name] !== undefined) errors.add(name, why);
  const from = request.from === undefined ? 0 : errors.attempt(() => parseTimeParam('from', request.from as string, 'UTC'));
  const to = request.to === undefined ? now + 1 : errors.attempt(() => parseTimeParam('to', request.to as string, 'UTC'));
  const bots = errors.attempt(() => checkBots(request.bots ?? 'include'));
  const filters = parseFilters(request, errors);
  errors.throwIfAny();
  if ((from as number) > (to as number)) errors.add('from', 'must not be after to');
  errors.throwIfAny();
  return { from: from as number, to: to as number, bots, filters: withStoredDomains(filters, domain) };
}
