import type { Click } from '../clicks/click.js';

/** Each click attribute reports break down by: the breakdown's name → the click's field (its filter's name). */
export const CLICK_DIMENSIONS = {
  countries: 'country',
  referrers: 'referrerHost',
  browsers: 'browser',
  os: 'os',
  devices: 'device',
  languages: 'language',
  regions: 'region',
  cities: 'city',
  utmSources: 'utmSource',
  utmMediums: 'utmMedium',
  utmCampaigns: 'utmCampaign',
  utmTerms: 'utmTerm',
  utmContents: 'utmContent',
  targets: 'target',
} as const satisfies Record<string, keyof Click>;

export type Dimension = keyof typeof CLICK_DIMENSIONS;
export type ClickField = (typeof CLICK_DIMENSIONS)[Dimension];
export const DIMENSIONS = Object.keys(CLICK_DIMENSIONS) as Dimension[];

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
  /** Exact, where the report read raw clicks. */
  readonly uniqueVisitors?: number;
}

export interface LinkCount {
  readonly linkId: number;
  readonly code: string;
  /** As stored: '' the default domain. */
  readonly domain: string;
  readonly clicks: number;
}

/** Most clicks first; among equals unknown (null) last, then by key. */
export function byClicks(a: KeyCount, b: KeyCount): number {
  return b.clicks - a.clicks || byKey(a.key, b.key);
}

function byKey(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}
