import type { ClickFilter } from '../clicks/click-store.js';

export const DIMENSIONS = ['countries', 'referrers', 'browsers', 'os', 'devices', 'languages'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export interface Totals {
  readonly clicks: number;
  readonly humanClicks: number;
  readonly botClicks: number;
  readonly uniqueVisitors: number;
}

export interface BucketCount {
  readonly clicks: number;
  readonly uniqueVisitors: number;
}

export interface KeyCount {
  /** null where the click did not tell (no referrer, unknown country…). */
  readonly key: string | null;
  readonly clicks: number;
}

export interface LinkCount {
  readonly linkId: number;
  readonly code: string;
  readonly clicks: number;
}

/** Storage port for aggregate questions over clicks. */
export interface AnalyticsStore {
  totals(filter: ClickFilter): Promise<Totals>;
  /** One count per range, in the order given; ranges are half-open [from, to). */
  timeseries(filter: ClickFilter, ranges: readonly { from: number; to: number }[]): Promise<BucketCount[]>;
  /** The most frequent values of a dimension, most clicks first. */
  breakdown(filter: ClickFilter, dimension: Dimension, limit: number): Promise<KeyCount[]>;
  topLinks(filter: ClickFilter, limit: number): Promise<LinkCount[]>;
}
