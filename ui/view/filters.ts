/** Report filters as the API spells them: one query parameter per dimension, a comma list, `!` negates. */
import type { SharedClick } from '../api.js';
import { CLICK_DIMENSIONS } from '../../src/core/analytics/analytics-store.js';

export type Dimension = keyof typeof CLICK_DIMENSIONS;
export type FilterParam = (typeof CLICK_DIMENSIONS)[Dimension];
export const FILTER_PARAMS = Object.values(CLICK_DIMENSIONS) as FilterParam[];

/** Each active filter: parameter → its raw value (`DE,FR`, `!US`, `(none)`). */
export type Filters = Partial<Record<FilterParam, string>>;

export const NONE = '(none)';

const NAMES: Record<FilterParam, string> = {
  country: 'Country', region: 'Region', city: 'City', referrerHost: 'Referrer', browser: 'Browser', os: 'OS',
  device: 'Device', language: 'Language', utmSource: 'UTM source', utmMedium: 'UTM medium',
  utmCampaign: 'UTM campaign', utmTerm: 'UTM term', utmContent: 'UTM content', target: 'Target',
};

export const filterName = (param: FilterParam) => NAMES[param];

export const isFilterParam = (name: string): name is FilterParam => (FILTER_PARAMS as string[]).includes(name);

/**
 * The raw value that filters on one breakdown key, or undefined where the API's syntax cannot say it
 * (a comma separates values, a leading `!` negates, `(none)` means no value).
 */
export function filterValueOf(key: string | null): string | undefined {
  if (key === null) return NONE;
  if (key === '' || key.includes(',') || key.startsWith('!') || key === NONE || key.trim() !== key) return undefined;
  return key;
}

export interface ParsedFilter {
  readonly negate: boolean;
  /** null: the click did not tell. */
  readonly values: (string | null)[];
}

export function parseFilter(raw: string): ParsedFilter {
  const negate = raw.startsWith('!');
  const values = (negate ? raw.slice(1) : raw).split(',').map((v) => v.trim()).map((v) => (v === NONE ? null : v));
  return { negate, values };
}

/**
 * Whether a live click passes the filters the report applied (its echo, in canonical form), so a
 * filtered view gains only the clicks the server would have counted.
 */
export function clickPasses(applied: Record<string, string[]>, click: SharedClick): boolean {
  for (const [param, list] of Object.entries(applied)) {
    if (!isFilterParam(param)) continue;
    const { negate, values } = parseFilter(list.join(','));
    if (values.includes(click[param]) === negate) return false;
  }
  return true;
}
