/**
 * What a report page shows (range, interval, bots, comparison, filters), kept in the URL's query
 * string so that reload, back/forward and a pasted link restore the same view.
 */
import { browserTimeZone } from '../format.js';
import { FILTER_PARAMS, isFilterParam, type Filters } from './filters.js';
import { INTERVALS, intervalFits, type Interval } from './intervals.js';

export const PRESETS = { '1h': 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000, '90d': 90 * 86_400_000 } as const;
export type Preset = keyof typeof PRESETS;
export type Bots = 'include' | 'exclude' | 'only';
export type Compare = '' | 'previous' | 'year';

export interface View {
  readonly range: Preset | 'custom';
  /** Custom range: local dates, both inclusive (YYYY-MM-DD). */
  readonly from: string;
  readonly to: string;
  /** '' lets the API choose. */
  readonly interval: Interval | '';
  readonly bots: Bots;
  readonly compare: Compare;
  readonly filters: Filters;
}

export const DEFAULT_VIEW: View = { range: '7d', from: '', to: '', interval: '', bots: 'include', compare: '', filters: {} };

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const isPreset = (value: string): value is Preset => Object.hasOwn(PRESETS, value);
const oneOf = <T extends string>(value: string | null, allowed: readonly T[], fallback: T): T =>
  (allowed as readonly string[]).includes(value ?? '') ? (value as T) : fallback;

export function parseView(search: string): View {
  const q = new URLSearchParams(search);
  const from = q.get('from') ?? '';
  const to = q.get('to') ?? '';
  const custom = DATE.test(from) && DATE.test(to);
  const range = q.get('range') ?? '';
  const filters: Filters = {};
  for (const param of FILTER_PARAMS) {
    const value = q.get(param);
    if (value) filters[param] = value;
  }
  return {
    range: custom ? 'custom' : isPreset(range) ? range : DEFAULT_VIEW.range,
    from: custom ? from : '',
    to: custom ? to : '',
    interval: oneOf(q.get('interval'), INTERVALS, '' as const) as Interval | '',
    bots: oneOf(q.get('bots'), ['include', 'exclude', 'only'] as const, 'include'),
    compare: oneOf(q.get('compare'), ['previous', 'year'] as const, '' as const) as Compare,
    filters,
  };
}

/** The view as a query string (defaults left out), `?…` or ''. */
export function viewSearch(view: View): string {
  const q = new URLSearchParams();
  if (view.range === 'custom') {
    q.set('from', view.from);
    q.set('to', view.to);
  } else if (view.range !== DEFAULT_VIEW.range) {
    q.set('range', view.range);
  }
  if (view.interval) q.set('interval', view.interval);
  if (view.bots !== 'include') q.set('bots', view.bots);
  if (view.compare) q.set('compare', view.compare);
  for (const param of FILTER_PARAMS) {
    const value = view.filters[param];
    if (value) q.set(param, value);
  }
  const text = q.toString();
  return text ? `?${text}` : '';
}

/** The day after a local date (YYYY-MM-DD): the API's `to` is exclusive, a user's "To" is not. */
export function dayAfter(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

const localMidnight = (date: string) => {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d).getTime();
};

/** How long the view's range is, in ms (the browser's zone is the report's). */
export function rangeSpan(view: View): number {
  if (view.range !== 'custom') return PRESETS[view.range];
  return localMidnight(dayAfter(view.to)) - localMidnight(view.from);
}

/** The interval to ask for: the chosen one when the range allows it, else the API's own choice. */
export const effectiveInterval = (view: View): Interval | '' =>
  view.interval && intervalFits(rangeSpan(view), view.interval) ? view.interval : '';

/** A preset range ends now and keeps growing; a custom one is over once its last day is. */
export const endsNow = (view: View) => view.range !== 'custom';

/** The report's query (range, interval, zone, bots, filters); `from` of a preset is counted from now. */
export function reportParams(view: View, extra: Record<string, string> = {}): URLSearchParams {
  const q = new URLSearchParams({ tz: browserTimeZone, bots: view.bots });
  if (view.range === 'custom') {
    q.set('from', view.from);
    q.set('to', dayAfter(view.to));
  } else {
    q.set('from', new Date(Date.now() - PRESETS[view.range]).toISOString());
  }
  const interval = effectiveInterval(view);
  if (interval) q.set('interval', interval);
  if (view.compare) q.set('compare', view.compare);
  for (const [param, value] of Object.entries(view.filters)) if (isFilterParam(param) && value) q.set(param, value);
  for (const [name, value] of Object.entries(extra)) q.set(name, value);
  return q;
}

/** The click log's query: the same range (as instants: it takes no zone), bots and filters. */
export function clicksParams(view: View, extra: Record<string, string>): URLSearchParams {
  const q = reportParams(view, extra);
  for (const name of ['tz', 'interval', 'compare']) q.delete(name);
  if (view.range === 'custom') {
    q.set('from', new Date(localMidnight(view.from)).toISOString());
    q.set('to', new Date(localMidnight(dayAfter(view.to))).toISOString());
  }
  return q;
}
