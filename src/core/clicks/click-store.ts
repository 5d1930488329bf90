import type { Click, ClickRecorded, NewClick } from './click.js';
import type { ClickFilters } from '../analytics/filters.js';
import type { Refusal } from './click-admission.js';

export type StoreOutcome = Click | Refusal;

/**
 * A visit brought from another shortener, as a click, under a key unique to it among every import:
 * its source and the source's id of the visit.
 */
export type ImportedClick = NewClick & { readonly importKey: string };

/** An imported click stored, refused as insertBatch refuses, or stored by an earlier import. */
export type ImportOutcome = StoreOutcome | 'already-imported';

export type BotFilter = 'include' | 'exclude' | 'only';

/** Which clicks a query looks at: one link or all, a half-open time range [from, to). */
export interface ClickFilter {
  readonly linkId?: number | undefined;
  readonly from: number;
  readonly to: number;
  readonly bots: BotFilter;
}

export interface ClickPageQuery {
  readonly linkId?: number | undefined;
  readonly from: number;
  readonly to: number;
  readonly bots?: BotFilter | undefined;
  readonly filters?: ClickFilters | undefined;
  readonly limit: number;
  /** Keyset position, newest first: the `at` and id of the last click already seen. */
  readonly before?: { readonly value: number; readonly id: number } | undefined;
  /** Rows to skip first (numbered pages; costs as many rows read). */
  readonly offset?: number | undefined;
}

/** Storage port for clicks. */
export interface ClickStore {
  /**
   * Stores all clicks in one transaction and adds them to their links' counts.
   * Resolves only once the transaction is committed. A click whose link was deleted meanwhile,
   * or whose link has used up its `maxClicks`, is not stored: its answer says why (admitClicks).
   */
  insertBatch(clicks: readonly NewClick[]): Promise<StoreOutcome[]>;
  /**
   * Stores imported clicks as insertBatch stores clicks, each with its import key, but none whose key
   * is stored already: an import run again (or after a crash) stores each visit once.
   */
  importBatch(clicks: readonly ImportedClick[]): Promise<ImportOutcome[]>;
  /** Newest first. */
  list(query: ClickPageQuery): Promise<Click[]>;
  /**
   * The page list() answers for one link, written by the database (with `link`'s code and host): as
   * CSV rows in clickCsvRow's form, or as NDJSON lines in JSON.stringify(toClickView)'s. Exports
   * stream millions of them.
   */
  exportPage(query: ClickPageQuery & { readonly linkId: number }, link: ExportedLink, format: ExportFormat): Promise<ClickTextPage>;
  /**
   * The clicks stored after the click `afterId` (of one link, or of all), oldest first, each with its
   * link's code; undefined when more than `limit` of them, or more than `window` clicks of all links,
   * were stored since: too many to catch up on one by one.
   */
  since(afterId: number, query: { readonly linkId?: number | undefined; readonly limit: number; readonly window: number }): Promise<ClickRecorded[] | undefined>;
  /** Every click of every link stored now, and how many of them were bots'. */
  totals(): Promise<{ readonly clicks: number; readonly botClicks: number }>;
  /** Blanks the IP and user agent of up to `limit` clicks recorded before `before`; answers how many. */
  forgetIdentities(before: number, limit: number): Promise<number>;
  /**
   * Deletes up to `limit` clicks recorded before `before` that the rollups already hold in closed
   * days (so no report built from rollups changes); answers how many.
   */
  forgetRolledUp(before: number, limit: number): Promise<number>;
}

export type ExportFormat = 'csv' | 'ndjson';

export interface ClickTextPage {
  readonly text: string;
  readonly rows: number;
  /** Keyset position of the page's last row, for the next page. */
  readonly last: { readonly value: number; readonly id: number } | undefined;
}

/** Per-day secret salts for visitor ids, shared by every node on the database. */
export interface SaltStore {
  /** The salt of `day`, storing `candidate` if the day has none yet (first writer wins). */
  saltForDay(day: string, candidate: string): Promise<string>;
  /** Forgets salts of days before `day`, so old visitor ids can no longer be recomputed. */
  deleteBefore(day: string): Promise<void>;
}

/** An exported link as every row shows it: its code and the host it lives on. */
export interface ExportedLink {
  readonly code: string;
  readonly domain: string;
}
