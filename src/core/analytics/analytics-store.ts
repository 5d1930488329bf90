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
