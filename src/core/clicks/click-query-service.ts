import { parseTimeParam } from '../analytics/range.js';
import type { Link } from '../links/link.js';
import type { LinkService } from '../links/link-service.js';
import type { Clock } from '../shared/clock.js';
import { ValidationError } from '../shared/errors.js';
import { FieldErrors } from '../shared/field-errors.js';
import { decodeCursor, pageOf, type Page } from '../shared/page.js';
import { CLICK_CSV_HEADER } from './click-csv.js';
import { toClickView, type ClickView } from './click-view.js';
import type { ClickStore, ExportFormat } from './click-store.js';

// Rows a page. A page comes as one string: under ~128 KB it stays in V8's young generation, gone at
// the next scavenge; 4 000-row CSV pages (~1 MB) went to the large-object space and piled up until a
// full collection (bench export by hand: RSS +35 MB at 370 k rows/s, flat at 311 k). An NDJSON line
// carries its keys too: about twice a CSV row.
const PAGE_ROWS: Record<ExportFormat, number> = { csv: 500, ndjson: 250 };

export interface ClickRangeRequest {
  readonly from?: string | undefined;
  readonly to?: string | undefined;
}

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
  ) {}

  async page(code: string, request: ClickPageRequest): Promise<Page<ClickView>> {
    const range = this.range(request);
    const before = request.cursor === undefined ? undefined : decodeCursor(request.cursor);
    if (request.cursor !== undefined && before === undefined) throw ValidationError.field('cursor', 'is not a cursor this API gave out');
    const link = await this.links.find(code);
    const rows = await this.clicks.list({ linkId: link.id, ...range, limit: request.limit + 1, before });
    const page = pageOf(rows, request.limit, (last) => ({ value: last.at, id: last.id }));
    return { items: page.items.map((c) => toClickView(c, link.code)), nextCursor: page.nextCursor };
  }

  /** Checks the request and answers the link and the file's text, a chunk at a time, newest click first. */
  async export(code: string, request: ClickRangeRequest, format: ExportFormat): Promise<{ link: Link; chunks: AsyncGenerator<string> }> {
    const range = this.range(request);
    const link = await this.links.find(code);
    return { link, chunks: this.chunks(link, range, format) };
  }

  // Keyset pages rather than one long cursor: a slow download must not hold the database. The next
  // page is asked for before this one is handed on, so reading and writing out overlap (two at most).
  private async *chunks(link: Link, range: { from: number; to: number }, format: ExportFormat): AsyncGenerator<string> {
    if (format === 'csv') yield CLICK_CSV_HEADER;
    const limit = PAGE_ROWS[format];
    const page = (before?: { value: number; id: number }) => this.clicks.exportPage({ linkId: link.id, ...range, limit, before }, link.code, format);
    let next = page();
    for (;;) {
      const { text, rows, last } = await next;
      const more = rows === limit && last !== undefined;
      if (more) next = page(last);
      if (rows > 0) yield text;
      if (!more) return;
    }
  }

  private range(request: ClickRangeRequest): { from: number; to: number } {
    const errors = new FieldErrors();
    const from = request.from === undefined ? 0 : errors.attempt(() => parseTimeParam('from', request.from as string, 'UTC'));
    const to = request.to === undefined ? this.clock.now() + 1 : errors.attempt(() => parseTimeParam('to', request.to as string, 'UTC'));
    errors.throwIfAny();
    return { from: from as number, to: to as number };
  }
}
