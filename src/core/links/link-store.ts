import type { LinkKey } from './link-key.js';
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
  /** Links on this domain only ('' the default). */
  readonly domain?: string;
}

/** What a numbered page of links may be ordered by. */
export const LINK_ORDERS = ['created', 'code', 'url', 'title', 'clicks', 'humanClicks'] as const;
export type LinkOrder = (typeof LINK_ORDERS)[number];

/** A numbered page of links (for clients that page by number and want the total). */
export interface LinkPageQuery {
  readonly offset: number;
  readonly limit: number;
  /** Case-insensitive substring of code, url or title. */
  readonly search?: string | undefined;
  /** Links with any (or all) of these tags; none: every link. */
  readonly tags: readonly string[];
  readonly allTags: boolean;
  /** Links on this domain only ('' the default); none: every domain. */
  readonly domain?: string | undefined;
  /** `clicks` and `humanClicks` order by the counts the roller keeps (a second or two behind). */
  readonly order: LinkOrder;
  readonly descending: boolean;
}

/** A tag, how many links carry it and their clicks. */
export interface TagSummary {
  readonly tag: string;
  readonly links: number;
  readonly clicks: number;
  readonly botClicks: number;
}

/** Storage port for links. Implementations live in `storage/`. */
export interface LinkStore {
  /** Inserts the link, or answers 'code-taken' when its domain has the code already. */
  insert(link: NewLink): Promise<Link | 'code-taken'>;
  find(key: LinkKey): Promise<Link | undefined>;
  /** Up to `limit` links in the query's order. */
  list(query: LinkQuery): Promise<Link[]>;
  update(key: LinkKey, changes: LinkChanges): Promise<Link | undefined>;
  /**
   * The links' exact click counts. A stored link's `clicks` lags (by the clicks stored since the
   * last rollup step); it is what `sort: 'clicks'` orders by.
   */
  exactClicks(linkIds: readonly number[]): Promise<Map<number, number>>;
  /** A numbered page of links in the query's order, and how many links match in all. */
  listPage(query: LinkPageQuery): Promise<{ items: Link[]; total: number }>;
  /** The links' exact bot clicks (their `exactClicks` minus them: human clicks). */
  exactBotClicks(linkIds: readonly number[]): Promise<Map<number, number>>;
  /** Every tag in code point order, with its links and their exact clicks. */
  tagSummaries(): Promise<TagSummary[]>;
  /** Keys of links changed (or created) at or after `since`, at most `limit` of them. */
  changedSince(since: number, limit: number): Promise<LinkKey[]>;
  /**
   * Deletes the link and every click it had. Each change (insert, update, delete, the last at `at`)
   * also queues its link event for the webhooks that want it, in the same transaction.
   */
  delete(key: LinkKey, at: number): Promise<boolean>;
}
