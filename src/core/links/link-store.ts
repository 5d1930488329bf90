import type { Link, LinkChanges, NewLink } from './link.js';

export type LinkSort = 'created' | 'clicks';

export interface LinkQuery {
  readonly limit: number;
  readonly sort: LinkSort;
  /** Keyset position: the sort value and id of the last row already seen. */
  readonly after?: { readonly value: number; readonly id: number };
  /** Case-insensitive substring of code, url or title. */
  readonly search?: string;
  readonly tag?: string;
}

/** Storage port for links. Implementations live in `storage/`. */
export interface LinkStore {
  /** Inserts the link, or answers 'code-taken' when the code exists already. */
  insert(link: NewLink): Promise<Link | 'code-taken'>;
  findByCode(code: string): Promise<Link | undefined>;
  /** Up to `limit` links in the query's order. */
  list(query: LinkQuery): Promise<Link[]>;
  update(code: string, changes: LinkChanges): Promise<Link | undefined>;
  /**
   * The links' exact click counts. A stored link's `clicks` lags (by the clicks stored since the
   * last rollup step); it is what `sort: 'clicks'` orders by.
   */
  exactClicks(linkIds: readonly number[]): Promise<Map<number, number>>;
  /** Codes of links changed (or created) at or after `since`, at most `limit` of them. */
  changedSince(since: number, limit: number): Promise<string[]>;
  /**
   * Deletes the link and every click it had. Each change (insert, update, delete, the last at `at`)
   * also queues its link event for the webhooks that want it, in the same transaction.
   */
  delete(code: string, at: number): Promise<boolean>;
}
