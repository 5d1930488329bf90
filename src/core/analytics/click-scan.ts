import type { BotFilter } from '../clicks/click-store.js';
import type { BucketCount, Dimension, KeyCount, Totals } from './analytics-store.js';
import type { ClickFilters } from './filters.js';
import type { OrphanType } from '../orphans/orphan-visit.js';
import type { Span } from './rollup-store.js';

/** A report's question, answered from the raw clicks. */
export interface ScanQuestion {
  readonly linkId?: number | undefined;
  readonly from: number;
  readonly to: number;
  readonly bots: BotFilter;
  readonly filters: ClickFilters;
  /** Contiguous, ascending, covering [from, to). */
  readonly buckets: readonly Span[];
  /** Entries kept per breakdown. */
  readonly limit: number;
  /** Over all links: also break down by the links' tags and domains, and the most clicked links (codes), this many. */
  readonly topLinks?: number | undefined;
  /**
   * Read the orphan visits (requests no link answered) instead of the clicks, of these types (all
   * when empty), and break them down by type too. Their `target` is always unknown.
   */
  readonly orphans?: { readonly types: readonly OrphanType[] } | undefined;
}

export interface ScanReport {
  readonly totals: Totals;
  readonly timeseries: BucketCount[];
  readonly breakdowns: Record<Dimension, KeyCount[]>;
  readonly tags: KeyCount[];
  /** Clicks per domain of their links ('' the default), most first. */
  readonly domains: KeyCount[];
  /** Clicks per link (`code/domain`, domain as stored), most first. */
  readonly links: KeyCount[];
  /** Orphan visits per type, most first. */
  readonly types: KeyCount[];
}

/**
 * Storage port: any question on the clicks answered by the database from the raw clicks, in one
 * snapshot, with exact unique visitors. Filtered reports are answered here.
 */
export interface ClickScan {
  report(question: ScanQuestion): Promise<ScanReport>;
}
