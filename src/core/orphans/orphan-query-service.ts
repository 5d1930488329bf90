import { PAGE_PARAMETERS, parseClickRange, RANGE_PARAMETERS, type ClickRangeRequest } from '../clicks/click-query-service.js';
import type { Clock } from '../shared/clock.js';
import { ValidationError } from '../shared/errors.js';
import { FieldErrors } from '../shared/field-errors.js';
import { decodeCursor, pageOf, type Page } from '../shared/page.js';
import { parseOrphanTypes, type OrphanVisit } from './orphan-visit.js';
import type { OrphanVisitStore } from './orphan-visit-store.js';
import { toOrphanVisitView, type OrphanVisitView } from './orphan-visit-view.js';

/** Filters that need a link: an orphan visit has none. */
export const NOT_FOR_ORPHANS: Readonly<Record<string, string>> = {
  tag: 'does not apply to orphan visits: they belong to no link',
  target: 'does not apply to orphan visits: nothing was redirected',
  domain: 'does not apply to orphan visits: they belong to no link',
};

export interface OrphanPageRequest extends ClickRangeRequest {
  readonly limit: number;
  readonly cursor?: string | undefined;
  readonly type?: string | undefined;
}

/** The log of orphan visits: pages, newest first, with the click log's range, bots and filters. */
export class OrphanQueryService {
  constructor(
    private readonly store: OrphanVisitStore,
    private readonly clock: Clock,
    /** The default domain's host (the base URL's): how the `domain` filter names it. */
    private readonly domain: string,
  ) {}

  async page(request: OrphanPageRequest): Promise<Page<OrphanVisitView>> {
    const { limit, cursor, type, ...rest } = request;
    const errors = new FieldErrors();
    const types = parseOrphanTypes(type, errors);
    errors.throwIfAny();
    const range = parseClickRange(rest, PAGE_PARAMETERS, this.clock.now(), this.domain, NOT_FOR_ORPHANS);
    const before = cursor === undefined ? undefined : decodeCursor(cursor);
    if (cursor !== undefined && before === undefined) throw ValidationError.field('cursor', 'is not a cursor this API gave out');
    const rows = await this.store.list({ ...range, types, limit: limit + 1, before });
    const page = pageOf(rows, limit, (last) => ({ value: last.at, id: last.id }));
    return { items: page.items.map(toOrphanVisitView), nextCursor: page.nextCursor };
  }

  /** A numbered page of orphan visits, newest first: `offset` visits skipped (read, so keep it small). */
  async numberedPage(request: ClickRangeRequest & { readonly offset: number; readonly limit: number; readonly type?: string | undefined }): Promise<OrphanVisit[]> {
    const { offset, limit, type, ...rest } = request;
    const errors = new FieldErrors();
    const types = parseOrphanTypes(type, errors);
    errors.throwIfAny();
    const range = parseClickRange(rest, RANGE_PARAMETERS, this.clock.now(), this.domain, NOT_FOR_ORPHANS);
    return this.store.list({ ...range, types, limit, offset });
  }

  /** Every orphan visit stored, and how many were bots'. */
  totals(): Promise<{ readonly visits: number; readonly botVisits: number }> {
    return this.store.totals();
  }
}
