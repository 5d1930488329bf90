import { DEVICES, type Click } from '../clicks/click.js';
import type { FieldErrors } from '../shared/field-errors.js';
import { canonicalHost } from '../links/domain.js';
import { DEFAULT_DOMAIN } from '../links/link-key.js';
import { CLICK_DIMENSIONS, type ClickField } from './analytics-store.js';

/** Every dimension a report, click list, export or live stream can be filtered on (its query parameter). */
export const FILTER_DIMENSIONS = [...Object.values(CLICK_DIMENSIONS), 'domain', 'tag'] as const;
export type FilterDimension = ClickField | 'domain' | 'tag';

/** `(none)` in a list matches a click that did not tell (null). */
export const NONE = '(none)';
const MAX_VALUES = 100;
const MAX_VALUE_LENGTH = 2048;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** One dimension's condition: any of `values` (null: no value) matches; `negate`: none of them may. */
export interface DimensionFilter {
  readonly values: readonly (string | null)[];
  readonly negate: boolean;
}

export type Filters = { readonly [D in FilterDimension]?: DimensionFilter };

/**
 * What storage filters on: click fields, and the link's tags and domain. Domains as links store them
 * ('' the default domain, see withStoredDomains).
 */
export type ClickFilters = { readonly [D in ClickField | 'tag' | 'domain']?: DimensionFilter };

/** The link a click belongs to, as the live predicate needs it. */
export interface ClickLink {
  readonly tags: readonly string[];
  /** As stored: '' the default domain. */
  readonly domain: string;
}

/** A value's form where the dimension has one; the message says what is allowed. */
const FORMS: Partial<Record<FilterDimension, { test: (value: string) => boolean; canonical?: (value: string) => string; message: string }>> = {
  country: { test: (v) => /^[A-Z]{2}$/.test(v), canonical: (v) => v.toUpperCase(), message: 'ISO 3166-1 alpha-2 codes such as DE or US' },
  region: { test: (v) => /^[A-Z]{2}-[A-Z0-9]{1,3}$/.test(v), canonical: (v) => v.toUpperCase(), message: 'ISO 3166-2 codes such as DE-BE or US-CA' },
  device: { test: (v) => (DEVICES as readonly string[]).includes(v), canonical: (v) => v.toLowerCase(), message: DEVICES.join(', ') },
  language: { test: (v) => /^[a-z]{2,3}$/.test(v), canonical: (v) => v.toLowerCase(), message: 'primary language tags such as en or de' },
};

/**
 * The filters among query parameters: `country=DE,FR` (any of), `country=!US,CA` (neither),
 * `referrerHost=(none)` (no value). Malformed values are collected in `errors`.
 */
export function parseFilters(params: Readonly<Record<string, unknown>>, errors: FieldErrors): Filters {
  const filters: Record<string, DimensionFilter> = {};
  for (const dimension of FILTER_DIMENSIONS) {
    const raw = params[dimension];
    if (raw === undefined) continue;
    if (Array.isArray(raw)) {
      errors.add(dimension, `is given ${raw.length} times: give its values once, as a comma-separated list (${dimension}=a,b)`);
      continue;
    }
    const parsed = parseFilter(dimension, String(raw));
    if (typeof parsed === 'string') errors.add(dimension, parsed);
    else filters[dimension] = parsed;
  }
  return filters;
}

function parseFilter(dimension: FilterDimension, raw: string): DimensionFilter | string {
  const negate = raw.startsWith('!');
  const items = (negate ? raw.slice(1) : raw).split(',').map((item) => item.trim());
  if (items.length > MAX_VALUES) return `at most ${MAX_VALUES} values`;
  const form = FORMS[dimension];
  const values: (string | null)[] = [];
  for (const item of items) {
    if (item === NONE) {
      values.push(null);
      continue;
    }
    if (item === '') return `a comma-separated list of values (or ${NONE}), optionally after a leading !; found an empty value`;
    if (item.length > MAX_VALUE_LENGTH || CONTROL.test(item)) return `values are at most ${MAX_VALUE_LENGTH} characters, without control characters`;
    const value = form?.canonical ? form.canonical(item) : item;
    if (form && !form.test(value)) return `"${item}" is not allowed: use ${form.message}, or ${NONE}`;
    values.push(value);
  }
  return { values: [...new Set(values)], negate };
}

/** The filters as their query parameters would say them (the report echoes what it applied). */
export function echoFilters(filters: Filters): Record<string, string[]> {
  const echo: Record<string, string[]> = {};
  for (const dimension of FILTER_DIMENSIONS) {
    const filter = filters[dimension];
    if (!filter) continue;
    const values = filter.values.map((value) => value ?? NONE);
    echo[dimension] = filter.negate ? values.map((value, i) => (i === 0 ? `!${value}` : value)) : values;
  }
  return echo;
}

/** An unknown query parameter is refused rather than ignored: a misspelt filter must not widen a report. */
export function refuseUnknown(params: Readonly<Record<string, unknown>>, known: readonly string[], errors: FieldErrors): void {
  for (const name of Object.keys(params)) {
    if (!known.includes(name) && !(FILTER_DIMENSIONS as readonly string[]).includes(name)) {
      errors.add(name, `is not a known parameter; filters are ${FILTER_DIMENSIONS.join(', ')}; other parameters: ${known.join(', ')}`);
    }
  }
}

export function hasFilters(filters: ClickFilters | undefined): boolean {
  return filters !== undefined && Object.keys(filters).length > 0;
}

/**
 * The filters with the domain filter's hosts as links store them: the default domain's host (the base
 * URL's) is ''; hosts compare lowercase, without a trailing dot. `(none)` stays: no link lacks a domain.
 */
export function withStoredDomains(filters: Filters, defaultHost: string): ClickFilters {
  const filter = filters.domain;
  if (!filter) return filters;
  const values = filter.values.map((value) => {
    if (value === null) return null;
    const host = canonicalHost(value);
    return host === defaultHost ? DEFAULT_DOMAIN : host;
  });
  return { ...filters, domain: { values: [...new Set(values)], negate: filter.negate } };
}

function valueMatches(filter: DimensionFilter, value: string | null): boolean {
  return filter.values.includes(value) !== filter.negate;
}

/** Whether a click passes the filters (live streams); `link` is its link's tags and domain. */
export function clickMatches(filters: ClickFilters, click: Click, link: ClickLink): boolean {
  for (const key in filters) {
    const dimension = key as keyof ClickFilters;
    const filter = filters[dimension] as DimensionFilter;
    if (dimension === 'tag') {
      const { tags } = link;
      const any = tags.length === 0 ? filter.values.includes(null) : tags.some((tag) => filter.values.includes(tag));
      if (any === filter.negate) return false;
    } else if (dimension === 'domain') {
      if (!valueMatches(filter, link.domain)) return false;
    } else if (!valueMatches(filter, click[dimension])) {
      return false;
    }
  }
  return true;
}
